"""Assessment (绩效评价) of regions, departments and supervisors for a period
(Rust: ``grid_analytics::assess::assess``; every definition in docs/assessment.md).

The same computation as ``citygrid assess``: the tables here equal its ``indicators.parquet`` and
``scores_<level>.parquet``, the map layers its ``<level>.parquet``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from citygrid import _citygrid
from citygrid._tables import as_polars
from citygrid.geo import GeoTable, as_layer
from citygrid.grids import WORKING_CRS


@dataclass(frozen=True)
class Assessment:
    """The outcome of :func:`assess`."""

    period: str
    """The period assessed, as it is labelled in the tables (``2025-Q3``)."""
    previous: str
    """The period before it, whose platform scores give ``previous`` and ``change``."""
    indicators: pl.DataFrame = field(repr=False)
    """The long indicators table, one row per level, scope and indicator, sorted by them:
    ``period``, ``level``, ``scope``, ``indicator`` (``closure_rate``, …), ``numerator``,
    ``denominator`` (null for counts), ``value`` (numerator / denominator; null for a zero
    denominator), ``weight`` and ``score`` (0–100; null where the scoring config does not
    score the indicator, where the value is null or its denominator below
    ``min_denominator``)."""
    scores: dict[str, pl.DataFrame] = field(repr=False)
    """The wide scores table per level (``street`` → table), one row per scope sorted by scope:
    ``period``, ``level``, ``scope``, ``peer_class``; ``<indicator>_value`` and
    ``<indicator>_score`` for every indicator of the level; ``platform`` (the weighted mean of
    the scored indicators), ``inspection`` (the inspection score given), ``composite`` (the
    final score: platform blended with inspection at ``inspection_share``), ``grade``, ``rank``
    and ``peer_rank`` (competition ranking, 1 = best), ``previous`` (the previous period's
    platform score), ``change`` (platform − previous) and ``drivers`` (the three indicators
    that moved it most, as text: ``on_time_closure_rate -4.20; …``)."""
    maps: dict[str, GeoTable] = field(repr=False)
    """The map layer per region level (district, street, community, grid): the rows of
    ``scores`` whose scope has a shape, with the shape in a WKB ``geometry`` column (grid
    polygons or their union per scope with ``grids``, otherwise a point at the mean ``x_m``/
    ``y_m`` of the scope's cases), in ``working_crs``."""
    inspection_rejected: pl.DataFrame | None = field(repr=False)
    """The inspection rows that were not used (no scope, a score that is not a number from 0 to
    100, an unknown level) with ``row_number`` (data rows from 1), ``reject_field``,
    ``reject_reason`` and ``reject_detail`` in front of their columns; None without
    ``inspection``."""
    warnings: tuple[str, ...] = ()
    """What ``citygrid assess`` would log as warnings: levels skipped for want of a column,
    inspection scores that match no scope, scopes left off a map."""


def default_scoring() -> str:
    """The default scoring config (TOML), every value marked as a default to verify per city:
    the text ``citygrid assess --print-config`` prints, a starting point for ``scoring``."""
    return _citygrid.default_scoring()


def assess(
    cases: Any,
    *,
    period: str,
    scoring: str | None = None,
    scoring_file: str | os.PathLike[str] | None = None,
    inspection: Any = None,
    grids: Any = None,
    working_crs: str = WORKING_CRS,
) -> Assessment:
    """Assesses a validated case table for a period: every indicator of every level whose
    column the table has, for the period and the previous one, the scores, grades, ranks,
    change and drivers, and the map layers (docs/assessment.md).

    ``cases``: a validated case table (``citygrid validate`` output, or
    :func:`citygrid.validate_cases`): the lifecycle times (``reported_at``, ``filed_at``,
    ``voided_at``, ``dispatched_at``, ``due_at``, ``disposed_at``, ``closed_at``,
    ``checked_at``), ``public_report``, ``public_report_verified``, ``rework_count``, the scope
    columns, and optionally ``verify_work_h``/``check_work_h`` (supervisors' on-time rates) and
    ``x_m``/``y_m`` (point maps). A polars DataFrame or an Arrow table.

    ``period``: ``2025`` (a year), ``2025-Q3``, ``2025-07`` or ``2025-07-01..2025-10-01`` (end
    exclusive); its end is the evaluation cut-off.

    ``scoring``: a scoring config as TOML text, or ``scoring_file``: the path of one (not
    both); neither: :func:`default_scoring`.

    ``inspection``: inspection scores to blend in at the config's ``inspection_share``: a table
    with ``scope``, ``score`` (0–100) and an optional ``level`` column (without one, a score
    applies to that code at every level). Unusable rows go to ``inspection_rejected``.

    ``grids``: unit grids for polygon maps (a :class:`citygrid.GeoTable` with a ``code`` or
    ``grid_code`` column, any CRS, or :class:`citygrid.Grids`): each grid's polygon at the grid
    level, their union per district, street and community. Without them a scope's map shape is
    the mean ``x_m``/``y_m`` of its cases.

    ``working_crs``: the projected CRS of the cases' ``x_m``/``y_m``, in which the grids are
    merged and the map layers come back.

    Raises :class:`citygrid.InputError` for a bad period, CRS or scoring config (the message
    names the key), an unreadable ``scoring_file``, or a missing column; TypeError if a table
    is not a table, ``grids`` not a layer, or both ``scoring`` and ``scoring_file`` are given.
    """
    frame = as_polars(cases, "cases")
    if scoring is not None and scoring_file is not None:
        raise TypeError("give scoring (TOML text) or scoring_file (a path), not both")
    config = None if scoring is None else (scoring, "scoring")
    if scoring_file is not None:
        path = Path(scoring_file)
        try:
            config = (path.read_text(encoding="utf-8"), str(path))
        except (OSError, UnicodeDecodeError) as error:
            raise _citygrid.InputError(f"reading {path}: {error}") from error
    inspection_frame = None if inspection is None else as_polars(inspection, "inspection")
    layer = None if grids is None else as_layer(grids, "grids").parts
    period_label, previous, indicators, scores, maps, rejected, warnings = _citygrid.assess(
        frame, period, config, inspection_frame, layer, working_crs
    )
    return Assessment(
        period=period_label,
        previous=previous,
        indicators=indicators,
        scores=dict(scores),
        maps={level: GeoTable(df, crs) for level, (df, crs) in maps},
        inspection_rejected=rejected,
        warnings=tuple(warnings),
    )
