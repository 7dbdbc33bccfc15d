"""citygrid.hotspots, measure_grids and emerging_hotspots: esda parity on the committed golden
values (crates/analytics/tests/golden/esda, made by make_esda_vectors.py), and the simulated
city."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import citygrid
from citygrid import schema

from conftest import City

ESDA = Path(__file__).resolve().parents[3] / "crates/analytics/tests/golden/esda"
CATEGORIES = {
    f"{pattern} {kind} spot"
    for pattern in (
        "new",
        "consecutive",
        "intensifying",
        "persistent",
        "diminishing",
        "sporadic",
        "oscillating",
        "historical",
    )
    for kind in ("hot", "cold")
} | {"no pattern detected"}


def columbus() -> citygrid.GeoTable:
    # The esda sample's coordinates are planar; analysed as EPSG:3857 metres, as the CLI test.
    layer = citygrid.read_layer(ESDA / "columbus.geojson")
    return citygrid.GeoTable(layer.df, "EPSG:3857")


def test_gi_star_matches_esda() -> None:
    result = citygrid.hotspots(columbus(), "CRIME", tolerance_m=0.0, permutations=0)
    golden = pl.read_csv(ESDA / "columbus_CRIME_queen_gistar.csv")
    assert result.layer.df["z"].to_list() == pytest.approx(golden["z"].to_list(), abs=1e-9)
    # esda's p_norm is one-tailed; citygrid reports the two-sided p.
    two_sided = (2 * golden["p_norm"]).to_list()
    assert result.layer.df["p"].to_list() == pytest.approx(two_sided, abs=1e-9)
    assert result.rejected.height == 0
    assert result.layer.crs == "EPSG:3857"
    assert set(result.layer.df.columns) >= {"CRIME", "neighbours", "g", "z", "p", "bin", "geometry"}


def test_gi_without_star_and_knn_weights_match_esda() -> None:
    result = citygrid.hotspots(columbus(), "CRIME", weights="knn:4", star=False, permutations=0)
    golden = pl.read_csv(ESDA / "columbus_CRIME_knn4_gi.csv")
    assert result.layer.df["z"].to_list() == pytest.approx(golden["z"].to_list(), abs=1e-9)


def test_local_moran_matches_esda() -> None:
    result = citygrid.hotspots(
        columbus(), "CRIME", statistic="local_moran", tolerance_m=0.0, permutations=99, seed=7
    )
    golden = pl.read_csv(ESDA / "columbus_CRIME_queen_moran.csv")
    assert result.layer.df["i"].to_list() == pytest.approx(golden["I"].to_list(), abs=1e-12)
    names = ["", "HH", "LH", "LL", "HL"]
    assert result.layer.df["quadrant"].to_list() == [names[q] for q in golden["q"]]
    again = citygrid.hotspots(
        columbus(), "CRIME", statistic="local_moran", tolerance_m=0.0, permutations=99, seed=7
    )
    assert again.layer.df["p_sim"].to_list() == result.layer.df["p_sim"].to_list()


def test_rows_without_a_value_are_rejected_not_dropped() -> None:
    layer = columbus()
    df = layer.df.with_columns(
        pl.when(pl.int_range(pl.len()) == 3).then(None).otherwise(pl.col("CRIME")).alias("CRIME")
    )
    result = citygrid.hotspots(citygrid.GeoTable(df, layer.crs), "CRIME", permutations=0)
    assert result.layer.df.height == layer.df.height - 1
    assert result.rejected[schema.ROW_NUMBER].to_list() == [4]
    assert result.rejected[schema.REJECT_REASON].to_list() == ["missing_field"]


def test_measure_and_hot_spots_of_the_simulated_city(city: City) -> None:
    cases = city.validated.cases
    measured = citygrid.measure_grids(city.grids, cases, "count")
    assert measured.unknown_grids == []
    counts = measured.layer.df["count"]
    assert counts.sum() == cases.height
    assert measured.layer.df.height == len(city.grids)
    recent = citygrid.measure_grids(city.grids, cases, from_day="2025-01-01")
    assert 0 < recent.layer.df["count"].sum() < cases.height
    result = citygrid.hotspots(measured.layer, "count", permutations=99, fdr=True)
    assert result.layer.df.height == len(city.grids)
    assert set(result.layer.df["bin"].unique().to_list()) <= {-3, -2, -1, 0, 1, 2, 3}
    # The simulation plants hot spots: some grids must come out hot at 99 %.
    assert (result.layer.df["bin"] == 3).sum() > 0


def test_emerging_hot_spots_of_the_simulated_city(city: City) -> None:
    cases = city.validated.cases
    # Without a window, it starts at the first case: its month is partial and left out.
    default = citygrid.emerging_hotspots(cases, city.grids, step="month")
    assert len(default.steps) == 35 and default.outside > 0
    result = citygrid.emerging_hotspots(
        cases, city.grids, step="month", from_day="2023-01-01", to_day="2026-01-01"
    )
    layer, cube = result.layer.df, result.cube
    assert set(layer["category"].unique().to_list()) <= CATEGORIES
    assert len(result.steps) == 36 and result.outside == 0
    assert cube.height == layer.height * len(result.steps)
    assert cube["cases"].sum() == layer["cases"].sum()
    assert layer["cases"].sum() + result.outside == city.validated.cases.height


def test_errors_name_the_problem(city: City) -> None:
    with pytest.raises(citygrid.InputError, match="no column \"PRIZE\""):
        citygrid.hotspots(columbus(), "PRIZE")
    with pytest.raises(citygrid.InputError, match="weights"):
        citygrid.hotspots(columbus(), "CRIME", weights="hexagons")
    with pytest.raises(citygrid.InputError, match="statistic"):
        citygrid.hotspots(columbus(), "CRIME", statistic="moran")  # type: ignore[arg-type]
    with pytest.raises(citygrid.InputError, match="alpha 1.5"):
        citygrid.hotspots(columbus(), "CRIME", alpha=1.5)
    flat = columbus().df.with_columns(pl.lit(1.0).alias("CRIME"))
    with pytest.raises(citygrid.InputError, match="variance is zero"):
        citygrid.hotspots(citygrid.GeoTable(flat, "EPSG:3857"), "CRIME")
    with pytest.raises(citygrid.InputError, match="measure"):
        citygrid.measure_grids(city.grids, city.validated.cases, "size")  # type: ignore[arg-type]
    with pytest.raises(citygrid.InputError, match="from_day \"2025-13-01\""):
        citygrid.measure_grids(city.grids, city.validated.cases, from_day="2025-13-01")
    with pytest.raises(citygrid.InputError, match="expected week or month"):
        citygrid.emerging_hotspots(city.validated.cases, city.grids, step="day")  # type: ignore[arg-type]
    with pytest.raises(citygrid.InputError, match="weird"):
        citygrid.emerging_hotspots(city.validated.cases, city.grids, rule_order=["new", "weird"])
    with pytest.raises(TypeError):
        citygrid.hotspots(pl.DataFrame({"a": [1]}), "a")  # type: ignore[arg-type]
