"""Components (部件): a coded inventory of public facilities, indexed for nearest and
within-distance queries.

Rust: ``grid_core::index::ComponentIndex`` and ``grid_analytics::components``.
"""

from __future__ import annotations

import os
from typing import Any, NamedTuple

import polars as pl

from citygrid import _citygrid
from citygrid._tables import as_polars
from citygrid.geo import GeoTable
from citygrid.grids import WORKING_CRS, Grids


class MatchResult(NamedTuple):
    """The outcome of :meth:`Components.nearest` and :meth:`Components.within`."""

    matches: pl.DataFrame
    """One row per (point, component): ``row_number`` (the point's data row, from 1), ``rank``
    (1 = closest), ``component_code``, ``class_code``, ``distance_m``. Join it back to the points
    on their row number (``points.with_row_index("row_number", offset=1)``)."""
    rejected: pl.DataFrame
    """Points whose coordinates could not be read, with their reasons."""


class Components:
    """A component layer in a projected working CRS with its R-trees. Load it with
    :func:`load_components`."""

    def __init__(self, native: _citygrid.Components, rejected: pl.DataFrame) -> None:
        self._native = native
        self.rejected = rejected
        """Features of the file skipped as invalid (``row_number``, ``reject_field``,
        ``reject_reason``, ``reject_detail``)."""

    @property
    def crs(self) -> str:
        """The working CRS (projected, metres)."""
        return self._native.crs

    def __len__(self) -> int:
        return len(self._native)

    def __repr__(self) -> str:
        return repr(self._native)

    def layer(self, crs: str | None = None) -> GeoTable:
        """The components as a :class:`GeoTable`: ``code``, ``class_code``, ``name``,
        ``department``, ``owner``, ``maintainer``, ``status``, ``initial_date``,
        ``change_date`` and the WKB ``geometry``, in ``crs`` (default: the working CRS)."""
        df, layer_crs = self._native.layer(crs)
        return GeoTable(df, layer_crs)

    def nearest(
        self,
        points: Any,
        *,
        k: int = 1,
        class_code: str | None = None,
        x_col: str = "lon",
        y_col: str = "lat",
        crs: str = "wgs84",
        name: str = "points",
    ) -> MatchResult:
        """The ``k`` nearest components of each point (of class ``class_code``, e.g. ``"0103"``
        for manhole covers, or of any class), by distance to their geometry in the working CRS;
        ties by component code.

        Raises :class:`citygrid.InputError` for ``k`` < 1, a class not in the class tables, an
        unknown CRS or a missing column.
        """
        df = as_polars(points, "points")
        matches, rejected = self._native.nearest(df, x_col, y_col, crs, k, class_code, name)
        return MatchResult(matches, rejected)

    def within(
        self,
        points: Any,
        radius_m: float,
        *,
        class_code: str | None = None,
        x_col: str = "lon",
        y_col: str = "lat",
        crs: str = "wgs84",
        name: str = "points",
    ) -> MatchResult:
        """Every component (of ``class_code``, or any class) within ``radius_m`` metres of each
        point, nearest first.

        Raises :class:`citygrid.InputError` for a negative radius, a class not in the class
        tables, an unknown CRS or a missing column.
        """
        df = as_polars(points, "points")
        matches, rejected = self._native.within(df, x_col, y_col, crs, radius_m, class_code, name)
        return MatchResult(matches, rejected)

    def counts_per_grid(self, grids: Grids) -> pl.DataFrame:
        """How many components of each class lie in each grid (by a point on each component):
        ``grid_code`` (null for those outside every grid), ``class_code``, ``components``."""
        return self._native.counts_per_grid(grids.native)


def load_components(
    path: str | os.PathLike[str],
    *,
    working_crs: str = WORKING_CRS,
    codes: str | os.PathLike[str] | None = None,
) -> Components:
    """Reads a component layer (GeoJSON or GeoParquet with a ``code`` column of 16- or 17-digit
    component codes, any CRS) into the projected ``working_crs``. Each class must be in the class
    tables: the bundled GB/T 30428.2-2013 ones, or the edition folder ``codes``. Features that are
    not valid components are skipped and listed in :attr:`Components.rejected`.

    Raises :class:`citygrid.InputError` for a missing or unreadable file or class tables.
    """
    native, rejected = _citygrid.Components.load(
        os.fspath(path), working_crs, None if codes is None else os.fspath(codes)
    )
    return Components(native, rejected)
