"""Hot spots: Getis-Ord Gi* (or Gi) and Local Moran's I on any layer, a measure of the cases
per grid to map, and emerging hot spots over time.

Rust: ``grid_analytics::hotspot``; the formulas, conventions and their checks against esda and
ArcGIS are in docs/hotspots.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

import polars as pl

from citygrid import _citygrid
from citygrid._tables import as_polars
from citygrid.geo import GeoTable, as_layer
from citygrid.grids import WORKING_CRS

RULE_ORDER = (
    "new",
    "consecutive",
    "intensifying",
    "persistent",
    "diminishing",
    "sporadic",
    "oscillating",
    "historical",
)
"""The default order the emerging hot spot rules are tried in (the first that matches wins)."""


class HotspotResult(NamedTuple):
    """The outcome of :func:`hotspots`."""

    layer: GeoTable
    """The rows analysed, in the analysis CRS: every input column, then ``neighbours`` and for
    Gi*/Gi ``g``, ``z``, ``p`` (two-sided normal), ``p_sim`` (with permutations) and ``bin``
    (±3/±2/±1 at 99/95/90 % confidence, ArcGIS's Gi_Bin); for Local Moran ``i``, ``quadrant``
    (HH, LH, LL, HL), ``p_sim`` and ``cluster`` (the quadrant where significant at ``alpha``)."""
    rejected: pl.DataFrame
    """Rows without a number in ``value`` or without a geometry, with their reasons."""
    warnings: list[str]
    """Features without neighbours, wide distance bands…"""


def _day(value: str | dt.date | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()


def _filter(
    classes: Sequence[str],
    sources: Sequence[str],
    from_day: str | dt.date | None,
    to_day: str | dt.date | None,
) -> dict[str, Any]:
    return {
        "classes": list(classes),
        "sources": list(sources),
        "from_day": _day(from_day),
        "to_day": _day(to_day),
    }


def hotspots(
    layer: GeoTable,
    value: str,
    *,
    weights: str = "queen",
    statistic: Literal["gi", "local_moran"] = "gi",
    star: bool = True,
    permutations: int = 999,
    seed: int = 0,
    pseudo_p: Literal["two_sided", "directed"] = "two_sided",
    fdr: bool = False,
    alpha: float = 0.05,
    tolerance_m: float = 0.001,
    working_crs: str = WORKING_CRS,
    name: str = "layer",
) -> HotspotResult:
    """Local hot spot statistics of the column ``value`` (a count or rate per feature) of a
    layer, the same analysis as ``citygrid hotspots``.

    ``weights``: ``queen`` or ``rook`` contiguity (polygons; boundaries within ``tolerance_m``
    touch, 0 for libpysal's exact rule), ``knn:K``, ``distance`` (the smallest band that leaves
    no feature alone) or ``distance:M`` metres, ``h3:K`` (needs a ``cell_id`` column).
    ``statistic``: ``gi`` (Gi*, or Gi with ``star=False``) or ``local_moran``. ``permutations``
    conditional permutations (0: none) seeded by ``seed`` give ``p_sim`` — the same on any
    number of threads; ``pseudo_p`` is two-sided or esda's directed one. ``fdr`` applies
    Benjamini–Hochberg to bins and clusters. Geographic layers are analysed in ``working_crs``.

    Raises :class:`citygrid.InputError` for a missing column, bad settings, a layer whose values
    are all equal (nothing can stand out) or weights that do not suit the geometries.
    """
    layer = as_layer(layer, "layer")
    settings = {
        "weights": weights,
        "statistic": statistic,
        "star": star,
        "permutations": permutations,
        "seed": seed,
        "pseudo_p": pseudo_p,
        "fdr": fdr,
        "alpha": alpha,
        "tolerance_m": tolerance_m,
    }
    df, crs, rejected, warnings = _citygrid.hotspots(
        layer.parts, value, settings, working_crs, name
    )
    return HotspotResult(GeoTable(df, crs), rejected, warnings)


class MeasureResult(NamedTuple):
    """The outcome of :func:`measure_grids`."""

    layer: GeoTable
    """The grid layer with a column named after the measure."""
    unknown_grids: list[str]
    """Grid codes with cases that the layer does not have (their cases are left out)."""


def measure_grids(
    grids: Any,
    cases: Any,
    measure: Literal["count", "open_overdue", "overdue_rate", "rework_rate"] = "count",
    *,
    classes: Sequence[str] = (),
    sources: Sequence[str] = (),
    from_day: str | dt.date | None = None,
    to_day: str | dt.date | None = None,
    name: str = "grids",
) -> MeasureResult:
    """Adds a measure of validated cases (:func:`citygrid.validate_cases`, with grid codes) to
    a grid layer (a :class:`GeoTable` with ``code`` or ``grid_code``, or :class:`citygrid.Grids`),
    ready for :func:`hotspots`: ``count`` (cases), ``open_overdue`` (open past due at the
    cut-off), ``overdue_rate`` (late or open past due, of those with a due time), or
    ``rework_rate`` (disposed cases sent back). Counts are 0 where a grid has no case; rates are
    null where undefined. Only cases of ``classes`` and ``sources`` (any when empty) reported on
    or after ``from_day`` and before ``to_day`` count.
    """
    layer = as_layer(grids, "grids")
    df, crs, unknown = _citygrid.measure_grids(
        layer.parts,
        as_polars(cases, "cases"),
        measure,
        _filter(classes, sources, from_day, to_day),
        name,
    )
    return MeasureResult(GeoTable(df, crs), unknown)


class EmergingResult(NamedTuple):
    """The outcome of :func:`emerging_hotspots`."""

    layer: GeoTable
    """One row per grid with cases: ``grid_code``, ``category`` (new, consecutive, intensifying,
    persistent, diminishing, sporadic, oscillating, historical hot or cold spot, or no pattern),
    ``hot_steps``, ``cold_steps``, ``trend_z``, ``trend_p`` (Mann-Kendall of the z-scores),
    ``final_z``, ``final_p``, ``cases``, ``neighbours``."""
    cube: pl.DataFrame
    """The space-time cube: ``grid_code``, ``step`` (its first day), ``cases``, ``z``, ``p``,
    ``flag`` (1 hot, −1 cold, 0 neither)."""
    steps: list[str]
    """The first day of each step."""
    outside: int
    """Cases left out because they fall in a partial step at an end of the window."""
    warnings: list[str]
    """Grids without neighbours…"""


def emerging_hotspots(
    cases: Any,
    grids: Any,
    *,
    step: Literal["week", "month"] = "month",
    weights: str = "queen",
    tolerance_m: float = 0.001,
    neighbourhood_steps: int = 1,
    alpha: float = 0.05,
    fdr: bool = True,
    trend_alpha: float = 0.05,
    mostly: float = 0.9,
    rule_order: Sequence[str] = RULE_ORDER,
    classes: Sequence[str] = (),
    sources: Sequence[str] = (),
    from_day: str | dt.date | None = None,
    to_day: str | dt.date | None = None,
    working_crs: str = WORKING_CRS,
    name: str = "grids",
) -> EmergingResult:
    """Emerging hot spot analysis of validated cases on their grids, as ``citygrid emerging``:
    a cube of case counts per grid and ``step`` (weeks counted back from the window's end, or
    calendar months; partial steps left out), space-time Gi* per bin (neighbours by
    ``weights`` in this step and the ``neighbourhood_steps`` before), bins hot or cold at
    ``alpha`` (Benjamini–Hochberg over the cube with ``fdr``), Mann-Kendall on each grid's
    z-scores at ``trend_alpha``, and a category by the rules in ``rule_order``. ``grids`` is a
    :class:`GeoTable` with ``code``/``grid_code`` or :class:`citygrid.Grids`; every grid with
    cases must be in it.
    """
    layer = as_layer(grids, "grids")
    settings = {
        "step": step,
        "weights": weights,
        "tolerance_m": tolerance_m,
        "neighbourhood_steps": neighbourhood_steps,
        "alpha": alpha,
        "fdr": fdr,
        "trend_alpha": trend_alpha,
        "mostly": mostly,
        "rule_order": list(rule_order),
    }
    df, crs, cube, steps, outside, warnings = _citygrid.emerging(
        as_polars(cases, "cases"),
        layer.parts,
        settings,
        _filter(classes, sources, from_day, to_day),
        working_crs,
        name,
    )
    return EmergingResult(GeoTable(df, crs), cube, steps, outside, warnings)
