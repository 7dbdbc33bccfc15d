"""Coordinate conversion of point tables (Rust: ``grid_analytics::convert::convert_table``)."""

from __future__ import annotations

from typing import Any, NamedTuple

import polars as pl

from citygrid import _citygrid
from citygrid._tables import as_polars


class ConvertResult(NamedTuple):
    """The outcome of :func:`convert_points`."""

    table: pl.DataFrame
    """The rows that converted, in input order; the coordinate columns are Float64 in the target
    CRS, every other column is untouched."""
    rejected: pl.DataFrame
    """The rows that did not, with ``row_number`` (data rows from 1), ``reject_field``,
    ``reject_reason`` and ``reject_detail`` in front of their original columns."""


def convert_points(
    table: Any,
    *,
    from_crs: str,
    to_crs: str,
    x_col: str = "lon",
    y_col: str = "lat",
    name: str = "table",
) -> ConvertResult:
    """Converts the point columns ``x_col``/``y_col`` (east/longitude, north/latitude) of a table
    from ``from_crs`` to ``to_crs``, keeping every row: rows with a missing, unparsable or
    out-of-range coordinate go to ``rejected`` with the reason.

    CRS names: ``wgs84`` (EPSG:4326), ``cgcs2000`` (EPSG:4490), ``gcj02`` (Amap, Tencent, WeChat;
    citizens' photo reports), ``bd09`` (Baidu), and ``EPSG:<code>``. Coordinate columns may be
    numbers or text. ``name`` names the table in error messages.

    Raises :class:`citygrid.InputError` for an unknown CRS, a missing column or a column that is
    neither numbers nor text; TypeError if ``table`` is not a table.
    """
    frame = as_polars(table, "table")
    converted, rejected = _citygrid.convert_points(frame, from_crs, to_crs, x_col, y_col, name)
    return ConvertResult(converted, rejected)
