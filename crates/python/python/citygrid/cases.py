"""Cases (案件): reading a case table under the canonical column names, validating it, and
simulating one.

Rust: ``grid_analytics::table_io``, ``grid_analytics::validate`` and ``grid_analytics::simulate``. The canonical columns and
every check are in docs/schema.md and docs/validation.md.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from typing import Any, NamedTuple

import polars as pl

from citygrid import _citygrid
from citygrid._tables import as_polars
from citygrid.components import Components
from citygrid.grids import WORKING_CRS, Grids


def read_cases(
    path: str | os.PathLike[str], *, columns: Mapping[str, str] | None = None
) -> pl.DataFrame:
    """Reads a case table (``.csv``, every column as text, or ``.parquet``) and renames its
    columns to the canonical names: ``columns`` maps canonical name → the file's column (the
    ``[cases.columns]`` table of a city's TOML config), e.g. ``{"case_id": "案件编号"}``.

    Raises :class:`citygrid.InputError` for a missing file or a mapped column the file lacks.
    """
    return _citygrid.read_cases(os.fspath(path), dict(columns or {}))


class ValidateResult(NamedTuple):
    """The outcome of :func:`validate_cases`."""

    cases: pl.DataFrame
    """Valid rows in the canonical schema with working-CRS coordinates (``x_m``, ``y_m``), grid
    and region codes (with grids), due times and lifecycle columns (``open_overdue``, …)."""
    rejected: pl.DataFrame
    """Every rejected row: ``row_number``, ``reject_field``, ``reject_reason``,
    ``reject_detail``, then its columns."""
    rejected_by_reason: dict[str, int]
    """How many rows were rejected for each reason."""
    after_cutoff: int
    """Valid rows reported after the cut-off: left out (for the next run), not rejected."""


def _time(value: str | dt.datetime) -> str:
    return value if isinstance(value, str) else value.strftime("%Y-%m-%d %H:%M:%S")


def validate_cases(
    cases: Any,
    *,
    now: str | dt.datetime,
    data: str | os.PathLike[str] = "data",
    cutoff: str | dt.datetime | None = None,
    grids: Grids | None = None,
    crs: str = "wgs84",
    working_crs: str = WORKING_CRS,
    name: str = "cases",
) -> ValidateResult:
    """Validates a case table in the canonical schema (:func:`read_cases`): required fields,
    duplicate ids, sources and kinds, class codes, times and their order, coordinates, and —
    with ``grids`` — that each case lies in a grid (then it gets its codes). Nothing is dropped
    silently: a failing row goes to ``rejected`` with the first reason it fails.

    ``now`` (local time) is the moment of validation: later times are rejected; ``cutoff`` is an
    "as of" moment before it (cases reported later are left for the next run, later steps taken
    as not yet happened). Rows without a ``crs`` value are in ``crs``. ``data`` is a folder with
    the class tables (``codes/``) and the work calendar (``calendar/``), as in the repository.
    With grids, coordinates go to the grids' CRS, else to ``working_crs``.

    Raises :class:`citygrid.InputError` for unreadable times, a cut-off after ``now``, an unknown
    CRS, a missing ``data`` folder or a table without the required columns.
    """
    df = as_polars(cases, "cases")
    table, rejected, counts, after = _citygrid.validate_cases(
        df,
        name,
        os.fspath(data),
        _time(now),
        None if cutoff is None else _time(cutoff),
        None if grids is None else grids.native,
        crs,
        working_crs,
    )
    return ValidateResult(table, rejected, counts, after)


class Simulation(NamedTuple):
    """The outcome of :func:`simulate_cases`."""

    cases: pl.DataFrame
    """The case table as a city exports it: the canonical input columns (``case_id``,
    ``source``, ``kind``, ``class_code``, ``reported_at``, ``lon``, ``lat``, ``crs``, …), app
    reports in GCJ-02, a share of rows defective on purpose; validate it before analysis."""
    components: Components
    """The simulated component inventory."""


def simulate_cases(
    grids: Grids,
    *,
    cases: int = 300_000,
    years: int = 3,
    start: str | dt.date = "2023-01-01",
    seed: int = 1,
    defect_rate: float = 0.004,
    data: str | os.PathLike[str] = "data",
) -> Simulation:
    """A realistic, deterministic case history on ``grids``, as ``citygrid simulate`` draws it
    (planted hot spots, seasons, weekdays, holidays, weather, department performance, defective
    rows): ``cases`` rows over ``years`` from ``start``, from ``seed`` — the same on any number
    of threads. ``data`` is the folder with the class tables and the calendar.

    Raises :class:`citygrid.InputError` for settings out of range or a missing ``data`` folder.
    """
    first = start if isinstance(start, str) else start.isoformat()
    table, native = _citygrid.simulate(
        grids.native, os.fspath(data), seed, first, years, cases, defect_rate
    )
    return Simulation(table, Components(native, pl.DataFrame()))
