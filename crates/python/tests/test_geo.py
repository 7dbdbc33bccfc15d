"""citygrid.GeoTable and read_layer: layers as WKB columns, to GeoPandas and back."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas
import polars as pl
import pyarrow.parquet
import pytest
import shapely

import citygrid

from conftest import City


def test_round_trips_through_geoparquet_and_geojson(city: City, tmp_path: Path) -> None:
    layer = city.grids.layer()
    parquet, geojson = tmp_path / "g.parquet", tmp_path / "g.geojson"
    layer.write(parquet)
    layer.write(geojson)
    from_parquet = citygrid.read_layer(parquet)
    assert from_parquet.crs == "EPSG:4549"
    # pyarrow takes the schema's metadata from the embedded Arrow schema: it has "geo" too.
    geo = json.loads(pyarrow.parquet.read_schema(parquet).metadata[b"geo"])
    assert geo["primary_column"] == "geometry" and geo["columns"]["geometry"]["encoding"] == "WKB"
    assert from_parquet.df["code"].to_list() == layer.df["code"].to_list()
    assert from_parquet.df["geometry"].to_list() == layer.df["geometry"].to_list()
    from_geojson = citygrid.read_layer(geojson)
    assert from_geojson.crs == "EPSG:4326"
    # GeoJSON is WGS84 (RFC 7946): the same shapes, within a centimetre once projected back.
    back = geopandas.GeoSeries.from_wkb(from_geojson.df["geometry"].to_list(), crs="EPSG:4326")
    ours = geopandas.GeoSeries.from_wkb(layer.df["geometry"].to_list(), crs="EPSG:4549")
    assert back.to_crs("EPSG:4549").distance(ours.centroid).max() < 60
    assert (back.to_crs("EPSG:4549").area - ours.area).abs().max() < 0.01


def test_geopandas_takes_it_in_one_line(city: City) -> None:
    layer = city.grids.layer()
    gdf = layer.to_geopandas()
    assert isinstance(gdf, geopandas.GeoDataFrame)
    assert gdf.crs.to_epsg() == 4549
    assert list(gdf["code"]) == layer.df["code"].to_list()
    assert (gdf.area - gdf["area_m2"]).abs().max() < 1e-6
    # The __geo_interface__ route gives the same shapes.
    via_protocol = geopandas.GeoDataFrame.from_features(layer, crs=layer.crs)
    assert via_protocol.geometry.geom_equals_exact(gdf.geometry, tolerance=1e-6).all()
    assert list(via_protocol["code"]) == list(gdf["code"])


def test_geojson_is_wgs84_by_default(city: City) -> None:
    collection = city.grids.layer().geojson()
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == len(city.grids)
    lon, lat = collection["features"][0]["geometry"]["coordinates"][0][0][0]
    assert 119.49 < lon < 119.53 and 35.39 < lat < 35.42


def test_pyarrow_tables_are_accepted(city: City) -> None:
    layer = city.grids.layer()
    table = layer.df.to_arrow()
    again = citygrid.GeoTable(table, layer.crs)
    assert again.df.equals(layer.df)


def test_bad_layers_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(citygrid.InputError, match="no geometry column 'geometry'"):
        citygrid.GeoTable(pl.DataFrame({"a": [1]}), "EPSG:4326")
    square = shapely.to_wkb(shapely.box(0, 0, 1, 1))
    with pytest.raises(citygrid.InputError, match=r"row 2, field \"geometry\""):
        citygrid.GeoTable(
            pl.DataFrame({"geometry": [square, b"\x01\x02"]}), "EPSG:3857"
        ).write(tmp_path / "x.parquet")
    with pytest.raises(citygrid.InputError, match="not WKB"):
        citygrid.GeoTable(pl.DataFrame({"geometry": ["POINT (0 0)"]}), "EPSG:3857").geojson()
    with pytest.raises(citygrid.InputError, match="row 1 has no geometry"):
        citygrid.GeoTable(
            pl.DataFrame({"geometry": [None]}, schema={"geometry": pl.Binary}), "EPSG:3857"
        ).write(tmp_path / "x.parquet")
    with pytest.raises(citygrid.InputError, match="unsupported file type"):
        citygrid.GeoTable(pl.DataFrame({"geometry": [square]}), "EPSG:3857").write(
            tmp_path / "x.csv"
        )
    with pytest.raises(citygrid.InputError, match="missing.parquet"):
        citygrid.read_layer(tmp_path / "missing.parquet")
