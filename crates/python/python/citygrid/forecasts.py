"""Forecasts per series, from a long table or from a case table, as ``citygrid forecast`` makes
them (Rust: ``grid_analytics::forecast::run_forecasts``).

statsforecast's models with its definitions (Naive, SeasonalNaive, HistoricAverage,
WindowAverage, SES, SESOpt, the Croston family, TSB, ADIDA, IMAPA, AutoETS), the automatic choice
by rolling-origin cross-validation, conformal intervals for models without their own, and
forecasts that are never negative; the methods are in docs/forecasts.md.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

import polars as pl

from citygrid import _citygrid
from citygrid._tables import as_polars
from citygrid.geo import GeoTable, as_layer
from citygrid.grids import WORKING_CRS, Grids
from citygrid.hotspot import _filter

BUDGETS: tuple[float, ...] = tuple(float(b) for b in range(1, 21))
"""The default area budgets of the place backtest, % of the total area: 1 to 20."""

_log = logging.getLogger("citygrid")


class ForecastResult(NamedTuple):
    """The outcome of :func:`forecast` and :func:`forecast_cases`."""

    forecasts: pl.DataFrame
    """One row per series, step and model: ``unique_id``, ``ds`` (the start of the period, text
    YYYY-MM-DD), ``model`` (the model that forecast: the chosen one with ``models="auto"``, a
    fallback where a series was too short for the model asked for, ``BottomUp`` or
    ``BottomUp(<model>)`` for bottom-up sums), ``mean``, then ``lo_<level>`` and ``hi_<level>``
    per level (the model's own intervals, else conformal ones; null for bottom-up rows and where
    a series is too short to calibrate) and ``fallback``. Series in id order; never negative."""
    metrics: pl.DataFrame | None
    """With ``metrics=True``: per series (``scope`` "series") every candidate's cross-validation
    ``mae``, ``rmse``, ``mase``, ``rmsse``, ``coverage_<level>`` and whether it was ``chosen``,
    plus the automatic choice's nested out-of-sample score (model "auto (nested)"); then the same
    per candidate over all series (``scope`` "overall", ``unique_id`` null) and over each
    series' chosen candidate (model "chosen"). Empty for listed models. Else None."""
    places: pl.DataFrame | None
    """With ``places=True``: the place-based backtest of next-period hot spots, per method
    (``model``: "auto" or each listed model, then the SeasonalNaive and HistoricAverage
    baselines), cross-validation ``window`` (its first period, then "mean") and ``budget_pct``:
    the ``cells`` flagged by forecast totals, their ``area_share``, ``hit_rate``, ``pai`` and
    ``pei`` (PEI*). Else None."""
    rejected: pl.DataFrame
    """Rows of a long table with an empty or unreadable id, time or value, or a time off the
    series' step: ``row_number`` (data rows from 1), ``reject_field``, ``reject_reason`` and
    ``reject_detail`` in front of their original columns. No rows for a case table."""
    warnings: list[str]
    """What the user should know: cases without a code for the unit, not counted."""


def forecast(
    table: Any,
    *,
    freq: Literal["day", "week"],
    horizon: int,
    id_col: str = "unique_id",
    time_col: str = "ds",
    value_col: str = "y",
    models: str | Sequence[str] = "auto",
    level: float | Sequence[float] = (80, 95),
    season: int | None = None,
    windows: int = 3,
    step_size: int | None = None,
    score: Literal["mase", "rmsse"] = "mase",
    choose: Literal["series", "pooled"] = "series",
    conformal_windows: int = 20,
    metrics: bool = False,
    places: bool = False,
    budgets: Sequence[float] = BUDGETS,
    grid: GeoTable | Grids | None = None,
    working_crs: str = WORKING_CRS,
) -> ForecastResult:
    """Forecasts every series of a long table, as ``citygrid forecast --series``.

    ``table`` has one row per series and period: ``id_col`` the series id, ``time_col`` the
    period (dates, date-times whose date counts, or text starting with YYYY-MM-DD), ``value_col``
    the value (numbers, or text that reads as one). Each series runs from its first to its last
    period in steps of ``freq`` (``day``, or ``week`` starting on Monday); a missing period
    counts as 0, a repeated one adds up. Bad rows are returned in ``rejected``.

    Options, with the flags' defaults:

    - ``horizon``: periods to forecast after each series' last.
    - ``models``: ``"auto"`` (choose among Naive, SeasonalNaive, HistoricAverage, WindowAverage,
      SESOpt, CrostonSBA, TSB, ADIDA, IMAPA), ``"auto:<list>"`` (choose among the listed ones),
      or models to forecast each series with, as a comma-separated string or a sequence:
      ``Naive``, ``SeasonalNaive``, ``HistoricAverage``, ``WindowAverage[:K]``, ``SES[:α]``,
      ``SESOpt``, ``CrostonClassic``, ``CrostonSBA``, ``CrostonOptimized``, ``TSB``, ``ADIDA``,
      ``IMAPA``, ``AutoETS``, ``ETS:ANN`` … ``ETS:AAdA``.
    - ``level``: prediction interval levels, % (each between 0 and 100).
    - ``season``: season length; default 7 for days, 52 for weeks.
    - ``windows``, ``step_size``: rolling-origin cross-validation of the automatic choice, the
      metrics and the place backtest: ``windows`` cutoffs ``step_size`` periods apart (default
      the horizon), each forecasting ``horizon`` periods.
    - ``score``: what the automatic choice minimises, ``mase`` or ``rmsse``.
    - ``choose``: ``series`` (each series its own model) or ``pooled`` (one model for all).
    - ``conformal_windows``: calibration windows of the conformal intervals (at least 2).
    - ``metrics``: also return the cross-validation scores (``ForecastResult.metrics``).
    - ``places``: also return the place backtest (``ForecastResult.places``; every series
      must end on the same period), with area ``budgets`` in % of the total area. ``grid``
      (a :class:`citygrid.GeoTable` whose ``code`` or ``grid_code`` column holds the series
      ids, or :class:`citygrid.Grids`) weighs the places by their areas, in ``working_crs``
      when the layer is in longitude/latitude; its grids without a series count as places
      forecast 0. Without it every place counts as the same area.

    Raises :class:`citygrid.InputError` (with the Rust error's message) for an unknown model,
    ``freq``, ``score`` or ``choose``, an option out of range, a missing column, a place
    backtest over series that do not end together, or a ``grid`` without codes or without one
    of the series; TypeError if ``table`` or ``grid`` is not what it should be.
    """
    frame = as_polars(table, "table")
    settings = _settings(
        freq=freq,
        horizon=horizon,
        season=season,
        models=models,
        level=level,
        windows=windows,
        step_size=step_size,
        score=score,
        choose=choose,
        conformal_windows=conformal_windows,
        bottom_up=False,
        metrics=metrics,
        places=places,
        budgets=budgets,
        working_crs=working_crs,
    )
    return _result(
        _citygrid.forecast(frame, id_col, time_col, value_col, settings, _grid(grid))
    )


def forecast_cases(
    cases: Any,
    *,
    freq: Literal["day", "week"],
    horizon: int,
    unit: Literal["grid", "community", "street", "district"] = "grid",
    group: Literal["all", "kind", "major", "class", "source"] = "all",
    classes: Sequence[str] = (),
    sources: Sequence[str] = (),
    from_day: str | dt.date | None = None,
    to_day: str | dt.date | None = None,
    models: str | Sequence[str] = "auto",
    level: float | Sequence[float] = (80, 95),
    season: int | None = None,
    windows: int = 3,
    step_size: int | None = None,
    score: Literal["mase", "rmsse"] = "mase",
    choose: Literal["series", "pooled"] = "series",
    conformal_windows: int = 20,
    bottom_up: bool = False,
    metrics: bool = False,
    places: bool = False,
    budgets: Sequence[float] = BUDGETS,
    grid: GeoTable | Grids | None = None,
    working_crs: str = WORKING_CRS,
) -> ForecastResult:
    """Forecasts the case counts of a validated case table (:func:`citygrid.validate_cases`),
    as ``citygrid forecast --cases``.

    Cases are counted per ``unit`` (``grid``, ``community``, ``street`` or ``district``: the
    code columns ``grid_code`` … ``district_code``) and ``group`` (``all``; ``kind``: component
    or event; ``major``: kind and major class; ``class``: kind and class code; ``source``) per
    period of ``freq``, over the whole periods from the first to the last case (or from
    ``from_day`` to before ``to_day``), zeros included. Series ids are the unit's code, or
    ``<code>/<group>``. Only cases of ``classes`` and ``sources`` (any when empty) reported on or
    after ``from_day`` and before ``to_day`` (``YYYY-MM-DD`` or a date) count; cases without a
    code for the unit are left out, with a warning.

    ``bottom_up`` (with ``unit="grid"``): also forecast every community, street and district as
    the sum of its grids' forecasts (model ``BottomUp``, or ``BottomUp(<model>)`` per listed
    model). ``places`` needs ``group="all"``; a ``grid`` for its areas is typically the one the
    cases were validated against. Every other option is :func:`forecast`'s.

    Raises :class:`citygrid.InputError` (with the Rust error's message) as :func:`forecast`
    does, and for an unknown ``unit`` or ``group``, a day that is not YYYY-MM-DD, or a case
    table without the columns needed; TypeError if ``cases`` is not a table.
    """
    frame = as_polars(cases, "cases")
    case_filter = _filter(classes, sources, from_day, to_day)
    settings = _settings(
        freq=freq,
        horizon=horizon,
        season=season,
        models=models,
        level=level,
        windows=windows,
        step_size=step_size,
        score=score,
        choose=choose,
        conformal_windows=conformal_windows,
        bottom_up=bottom_up,
        metrics=metrics,
        places=places,
        budgets=budgets,
        working_crs=working_crs,
    )
    return _result(
        _citygrid.forecast_cases(frame, unit, group, case_filter, settings, _grid(grid))
    )


def _settings(
    *,
    models: str | Sequence[str],
    level: float | Sequence[float],
    budgets: Sequence[float],
    **options: Any,
) -> dict[str, Any]:
    """The keywords as the native module takes them."""
    return {
        **options,
        "models": models if isinstance(models, str) else ",".join(models),
        "level": [float(level)] if isinstance(level, (int, float)) else [float(v) for v in level],
        "budgets": [float(b) for b in budgets],
    }


def _grid(grid: GeoTable | Grids | None) -> tuple[pl.DataFrame, str, str] | None:
    """A grid layer as the native module takes it: (table, CRS, geometry column)."""
    if grid is None:
        return None
    return as_layer(grid, "grid").parts


def _result(
    tables: tuple[
        pl.DataFrame, pl.DataFrame | None, pl.DataFrame | None, pl.DataFrame, list[str], list[str]
    ],
) -> ForecastResult:
    forecasts, metrics, places, rejected, warnings, notes = tables
    for note in notes:
        _log.info(note)
    return ForecastResult(forecasts, metrics, places, rejected, warnings)
