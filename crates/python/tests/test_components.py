"""citygrid.load_components and Components.nearest / within / counts_per_grid, checked against
brute-force distances computed by shapely."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import shapely

import citygrid

from conftest import City


def inventory(city: City) -> tuple[citygrid.Components, pl.DataFrame]:
    components = city.simulation.components
    layer = components.layer()
    return components, layer.df


def sample_points(city: City) -> pl.DataFrame:
    # A 5 × 4 lattice of points across the street, in the working CRS.
    layer = city.grids.layer()
    xmin, ymin, xmax, ymax = shapely.total_bounds(shapely.from_wkb(layer.df["geometry"].to_list()))
    xs = [xmin + (xmax - xmin) * (i + 0.5) / 5 for i in range(5)]
    ys = [ymin + (ymax - ymin) * (j + 0.5) / 4 for j in range(4)]
    return pl.DataFrame({"x": [x for x in xs for _ in ys], "y": [y for _ in xs for y in ys]})


def test_nearest_matches_brute_force(city: City) -> None:
    components, table = inventory(city)
    assert len(components) == table.height > 100
    shapes = shapely.from_wkb(table["geometry"].to_list())
    points = sample_points(city)
    result = components.nearest(points, k=3, x_col="x", y_col="y", crs="EPSG:4549")
    assert result.rejected.height == 0
    assert result.matches.height == 3 * points.height
    for row, group in result.matches.group_by("row_number", maintain_order=True):
        (number,) = row
        p = shapely.Point(points["x"][number - 1], points["y"][number - 1])
        distances = sorted(shapely.distance(p, shapes))[:3]
        assert group["rank"].to_list() == [1, 2, 3]
        assert group["distance_m"].to_list() == pytest.approx(distances, abs=1e-6)


def test_within_matches_brute_force_and_class_filters(city: City) -> None:
    components, table = inventory(city)
    shapes = shapely.from_wkb(table["geometry"].to_list())
    codes = table["code"].to_list()
    points = sample_points(city)
    result = components.within(points, 80.0, x_col="x", y_col="y", crs="EPSG:4549")
    for i in range(points.height):
        p = shapely.Point(points["x"][i], points["y"][i])
        expected = {codes[j] for j, d in enumerate(shapely.distance(p, shapes)) if d <= 80.0}
        found = result.matches.filter(pl.col("row_number") == i + 1)
        assert set(found["component_code"].to_list()) == expected
        assert found["distance_m"].to_list() == sorted(found["distance_m"].to_list())
    cls = table["class_code"].mode().sort()[0]
    only = components.within(points, 200.0, class_code=cls, x_col="x", y_col="y", crs="EPSG:4549")
    assert only.matches.height > 0
    assert only.matches["class_code"].unique().to_list() == [cls]


def test_counts_per_grid_cover_every_component(city: City) -> None:
    components, _ = inventory(city)
    counts = components.counts_per_grid(city.grids)
    assert counts.columns == ["grid_code", "class_code", "components"]
    assert counts["components"].sum() == len(components)


def test_loads_a_written_inventory(city: City, tmp_path: Path) -> None:
    components, _ = inventory(city)
    path = tmp_path / "components.parquet"
    components.layer().write(path)
    loaded = citygrid.load_components(path)
    assert len(loaded) == len(components)
    assert loaded.rejected.height == 0
    assert loaded.layer().df["code"].to_list() == components.layer().df["code"].to_list()


def test_errors_name_the_problem(city: City, tmp_path: Path) -> None:
    components, _ = inventory(city)
    points = pl.DataFrame({"lon": [119.51], "lat": [35.41]})
    with pytest.raises(citygrid.InputError, match="k: 0"):
        components.nearest(points, k=0)
    with pytest.raises(citygrid.InputError, match="radius_m: -5"):
        components.within(points, -5.0)
    with pytest.raises(citygrid.InputError, match="9999"):
        components.nearest(points, class_code="9999")
    with pytest.raises(citygrid.InputError, match="nowhere.parquet"):
        citygrid.load_components(tmp_path / "nowhere.parquet")
