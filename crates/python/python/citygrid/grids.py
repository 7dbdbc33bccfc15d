"""Unit grids (单元网格): load or generate a grid layer, then assign points to it.

Rust: ``grid_analytics::grid_io`` (reading, generating, writing), ``grid_analytics::assign``
and ``grid_core::index::GridIndex`` (the spatial index behind :meth:`Grids.assign`).
"""

from __future__ import annotations

import os
from typing import Any, NamedTuple

import polars as pl

from citygrid import _citygrid
from citygrid._tables import as_polars
from citygrid.geo import GeoTable

WORKING_CRS = "EPSG:4549"
"""The default projected working CRS: CGCS2000 / 3-degree Gauss-Kruger CM 120E (Rizhao)."""


class AssignResult(NamedTuple):
    """The outcome of :meth:`Grids.assign`."""

    table: pl.DataFrame
    """Every row whose coordinates could be read, in input order, with ``grid_code``,
    ``community_code``, ``street_code``, ``district_code`` (null outside every grid) and, with a
    tolerance, ``grid_distance_m`` added."""
    rejected: pl.DataFrame
    """Rows whose coordinates could not be read, with ``row_number``, ``reject_field``,
    ``reject_reason``, ``reject_detail`` in front of their columns."""
    outside: list[int]
    """Row numbers (data rows from 1) of the points outside every grid; they stay in ``table``."""


class Grids:
    """A grid layer in a projected working CRS with its spatial index: build it once with
    :func:`load_grids` or :func:`generate_grids`, then assign as many tables as you like."""

    def __init__(self, native: _citygrid.Grids) -> None:
        self._native = native

    @property
    def native(self) -> _citygrid.Grids:
        """The native object (for other citygrid functions)."""
        return self._native

    @property
    def crs(self) -> str:
        """The working CRS (projected, metres)."""
        return self._native.crs

    def __len__(self) -> int:
        return len(self._native)

    def __repr__(self) -> str:
        return repr(self._native)

    def layer(self, crs: str | None = None) -> GeoTable:
        """The grids as a :class:`GeoTable`: ``code``, ``community_code``, ``street_code``,
        ``district_code``, ``area_m2``, ``valid_from``, ``valid_to``, ``land_use``, ``class`` and
        the WKB ``geometry``, in ``crs`` (default: the working CRS)."""
        df, layer_crs = self._native.layer(crs)
        return GeoTable(df, layer_crs)

    def assign(
        self,
        points: Any,
        *,
        x_col: str = "lon",
        y_col: str = "lat",
        crs: str = "wgs84",
        tolerance_m: float | None = None,
        name: str = "points",
    ) -> AssignResult:
        """Assigns each point (columns ``x_col``/``y_col`` in ``crs``, numbers or text) to the
        grid that contains it. A point on a shared edge goes to one grid by a fixed rule; with
        ``tolerance_m`` a point outside every grid takes the nearest grid within that distance.
        ``name`` names the table in messages.

        Raises :class:`citygrid.InputError` for an unknown CRS, a missing column or a negative
        tolerance.
        """
        df = as_polars(points, "points")
        table, rejected, outside = self._native.assign(df, x_col, y_col, crs, tolerance_m, name)
        return AssignResult(table, rejected, outside)

    def write(self, path: str | os.PathLike[str], *, crs: str | None = None) -> None:
        """Writes the grids as GeoJSON (``.geojson``, WGS84) or GeoParquet (``.parquet``, in
        ``crs``, default the working CRS), atomically."""
        self._native.write(os.fspath(path), crs)


def load_grids(path: str | os.PathLike[str], *, working_crs: str = WORKING_CRS) -> Grids:
    """Reads a grid layer (GeoJSON or GeoParquet with a ``code`` column of 15-digit grid codes,
    any CRS) into the projected ``working_crs``.

    Raises :class:`citygrid.InputError` for a missing file, a layer without grids, or features
    that are not valid grids (the first ones named).
    """
    return Grids(_citygrid.Grids.load(os.fspath(path), working_crs))


class GenerateResult(NamedTuple):
    """The outcome of :func:`generate_grids`."""

    grids: Grids
    """The generated grids."""
    report: pl.DataFrame
    """One row per tiled area: ``code``, ``grids``, ``slivers_merged``, ``isolated_small``,
    ``blocks`` (synthetic blocks of at most 999 grids for streets and districts)."""


def generate_grids(
    boundary: str | os.PathLike[str],
    *,
    communities: str | os.PathLike[str] | None = None,
    division_code: str | None = None,
    cell_size_m: float = 100.0,
    sliver_share: float = 0.3,
    crs: str = WORKING_CRS,
) -> GenerateResult:
    """Generates coded unit grids (GB/T 30428.1 codes) the way ``citygrid grid build`` does:
    tiles the ``boundary`` polygons (GeoJSON coded by ``code`` or ``adcode``;
    ``division_code`` codes a single uncoded feature) — or, with ``communities``, the
    communities inside them — with square cells of ``cell_size_m`` metres in the projected
    ``crs``, merging pieces under ``sliver_share`` of a cell into a neighbour.

    Raises :class:`citygrid.InputError` for unreadable layers, codes, or settings.
    """
    native, report = _citygrid.Grids.generate(
        os.fspath(boundary),
        None if communities is None else os.fspath(communities),
        division_code,
        cell_size_m,
        sliver_share,
        crs,
    )
    return GenerateResult(Grids(native), report)
