"""citygrid.generate_grids, load_grids and Grids.assign (grid_analytics::grid_io, ::assign)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import shapely

import citygrid
from citygrid import schema

from conftest import STREET_CODE, City


def test_generates_coded_grids_and_reports_each_area(city: City) -> None:
    report = city.report
    assert isinstance(report, pl.DataFrame)
    assert report["code"].to_list() == [STREET_CODE]
    assert report["grids"].sum() == len(city.grids)
    # 2.2 km × 2 km at 100 m: about 440 cells once clipped to the lattice and slivers merged.
    assert 400 <= len(city.grids) <= 480
    assert city.grids.crs == "EPSG:4549"
    layer = city.grids.layer()
    codes = layer.df["code"]
    assert codes.n_unique() == len(city.grids)
    # Street-level areas are split into synthetic communities 901, 902…: 15-digit codes.
    assert codes.str.len_chars().unique().to_list() == [15]
    assert codes.str.slice(0, 9).unique().to_list() == [STREET_CODE]
    assert layer.df["street_code"].unique().to_list() == [STREET_CODE]
    # Every grid is a valid polygon whose area is the recorded one.
    shapes = shapely.from_wkb(layer.df["geometry"].to_list())
    assert all(shapely.is_valid(shapes))
    areas = shapely.area(shapes)
    assert max(abs(a - b) for a, b in zip(areas, layer.df["area_m2"])) < 1e-6
    assert abs(sum(areas) - sum(layer.df["area_m2"])) < 1e-3


def test_writes_and_loads_the_same_grids(city: City, tmp_path: Path) -> None:
    for name in ("grids.parquet", "grids.geojson"):
        path = tmp_path / name
        city.grids.write(path)
        loaded = citygrid.load_grids(path)
        assert len(loaded) == len(city.grids)
        assert loaded.layer().df["code"].to_list() == city.grids.layer().df["code"].to_list()


def test_assigns_each_grid_its_own_inner_point(city: City) -> None:
    layer = city.grids.layer(crs="wgs84")
    inner = shapely.point_on_surface(shapely.from_wkb(layer.df["geometry"].to_list()))
    points = pl.DataFrame(
        {"id": range(len(inner)), "lon": shapely.get_x(inner), "lat": shapely.get_y(inner)}
    )
    result = city.grids.assign(points)
    assert result.rejected.height == 0 and result.outside == []
    assert result.table[schema.GRID_CODE].to_list() == layer.df["code"].to_list()
    assert result.table[schema.STREET_CODE].unique().to_list() == [STREET_CODE]
    assert result.table["id"].to_list() == list(range(len(inner)))


def test_keeps_points_outside_and_rejects_unreadable_ones(city: City) -> None:
    points = pl.DataFrame(
        {"lon": ["119.51", "118.0", "x", "119.51"], "lat": ["35.41", "35.41", "35.41", None]}
    )
    result = city.grids.assign(points)
    assert result.table.height == 2
    assert result.outside == [2]
    assert result.table[schema.GRID_CODE].null_count() == 1
    assert result.rejected[schema.ROW_NUMBER].to_list() == [3, 4]
    assert result.rejected[schema.REJECT_FIELD].to_list() == ["lon", "lat"]


def test_tolerance_takes_the_nearest_grid(city: City) -> None:
    # Just south of the street's southern edge (35.40°N): about 11 m outside.
    points = pl.DataFrame({"lon": [119.51], "lat": [35.3999]})
    assert city.grids.assign(points).outside == [1]
    near = city.grids.assign(points, tolerance_m=50.0)
    assert near.outside == []
    distance = near.table[schema.GRID_DISTANCE_M][0]
    assert 5.0 < distance < 20.0


def test_errors_name_the_problem(city: City, tmp_path: Path) -> None:
    points = pl.DataFrame({"lon": [119.51], "lat": [35.41]})
    with pytest.raises(citygrid.InputError, match="tolerance_m -1"):
        city.grids.assign(points, tolerance_m=-1.0)
    with pytest.raises(citygrid.InputError, match="no column \"x\""):
        city.grids.assign(points, x_col="x")
    with pytest.raises(citygrid.InputError, match="EPSG:999999"):
        city.grids.assign(points, crs="EPSG:999999")
    with pytest.raises(citygrid.InputError, match="nowhere.geojson"):
        citygrid.load_grids(tmp_path / "nowhere.geojson")
    empty = tmp_path / "empty.geojson"
    empty.write_text('{"type":"FeatureCollection","features":[]}')
    with pytest.raises(citygrid.InputError, match="no grids"):
        citygrid.load_grids(empty)
    with pytest.raises(citygrid.InputError, match="cell size"):
        citygrid.generate_grids(city.boundary, cell_size_m=0.0)
    with pytest.raises(TypeError):
        city.grids.assign([1, 2, 3])
