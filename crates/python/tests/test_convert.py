"""citygrid.convert_points: the Rust conversion (grid_analytics::convert) through the facade."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest

import citygrid
from citygrid import schema


def in_china(lon: float, lat: float) -> bool:
    """GCJ-02's documented inside-China rectangle (ARCHITECTURE.md); outside it GCJ-02 = WGS84."""
    return 72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271


def golden_gcj02(repo: Path) -> list[dict[str, str]]:
    """grid-core's reference values from the independent `prcoords` package."""
    with open(repo / "crates/grid-core/tests/golden/gcj02_vectors.csv", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize(
    ("kind", "from_crs", "to_crs"),
    [
        ("wgs84_to_gcj02", "wgs84", "gcj02"),
        ("gcj02_to_wgs84", "gcj02", "wgs84"),
        ("wgs84_to_bd09", "wgs84", "bd09"),
        ("gcj02_to_bd09", "gcj02", "bd09"),
    ],
)
def test_matches_prcoords(repo: Path, kind: str, from_crs: str, to_crs: str) -> None:
    rows = [r for r in golden_gcj02(repo) if r["kind"] == kind]
    assert rows
    df = pl.DataFrame(
        {"lon": [float(r["lon"]) for r in rows], "lat": [float(r["lat"]) for r in rows]}
    )
    out = citygrid.convert_points(df, from_crs=from_crs, to_crs=to_crs)
    assert out.rejected.height == 0
    for got_lon, got_lat, r in zip(out.table["lon"], out.table["lat"], rows):
        lon, lat = float(r["lon"]), float(r["lat"])
        if kind == "gcj02_to_wgs84" and not in_china(lon, lat):
            # prcoords' inverse applies the offset even outside China; citygrid does not.
            assert (got_lon, got_lat) == (lon, lat)
            continue
        # As grid-core's own differential test: 1e-9° forward, 1e-8° (about 1 mm) inverse.
        tolerance = 1e-8 if kind == "gcj02_to_wgs84" else 1e-9
        assert got_lon == pytest.approx(float(r["expected_lon"]), abs=tolerance)
        assert got_lat == pytest.approx(float(r["expected_lat"]), abs=tolerance)


def test_round_trip_through_the_projected_working_crs() -> None:
    df = pl.DataFrame({"id": ["a", "b"], "lon": [119.5269, 119.4], "lat": [35.4164, 35.3]})
    there = citygrid.convert_points(df, from_crs="gcj02", to_crs="EPSG:4549")
    # CGCS2000 / 3-degree Gauss-Kruger CM 120E: x within ~60 km west of 500 000 m.
    assert all(440_000 < x < 500_000 for x in there.table["lon"])
    assert all(3_900_000 < y < 4_000_000 for y in there.table["lat"])
    back = citygrid.convert_points(there.table, from_crs="EPSG:4549", to_crs="gcj02")
    assert back.table["id"].to_list() == ["a", "b"]
    for a, b in zip(back.table["lon"], df["lon"]):
        assert a == pytest.approx(b, abs=1e-9)
    for a, b in zip(back.table["lat"], df["lat"]):
        assert a == pytest.approx(b, abs=1e-9)


def test_text_columns_other_names_and_untouched_columns() -> None:
    df = pl.DataFrame(
        {"code": ["0001", "0002"], "x": ["119.53", "119.5"], "y": ["35.41", "35.4"]}
    )
    out = citygrid.convert_points(
        df, from_crs="wgs84", to_crs="cgcs2000", x_col="x", y_col="y"
    )
    assert out.table.columns == ["code", "x", "y"]
    assert out.table.schema["x"] == pl.Float64
    assert out.table["code"].to_list() == ["0001", "0002"]


def test_rejected_rows_keep_their_reason_and_row_number() -> None:
    df = pl.DataFrame(
        {"id": [1, 2, 3, 4], "lon": ["119.53", "abc", "119.5", ""], "lat": ["35.41", "35.4", "95", "35"]}
    )
    out = citygrid.convert_points(df, from_crs="gcj02", to_crs="wgs84", name="reports.csv")
    assert out.table["id"].to_list() == [1]
    rejected = out.rejected
    assert rejected.columns[:4] == [
        schema.ROW_NUMBER,
        schema.REJECT_FIELD,
        schema.REJECT_REASON,
        schema.REJECT_DETAIL,
    ]
    assert rejected.columns[4:] == ["id", "lon", "lat"]
    assert rejected[schema.ROW_NUMBER].to_list() == [2, 3, 4]
    assert rejected[schema.REJECT_FIELD].to_list() == ["lon", "lat", "lon"]
    assert rejected["id"].to_list() == [2, 3, 4]


def test_accepts_an_arrow_stream() -> None:
    class ArrowOnly:
        """Stands for a pyarrow Table: only the Arrow PyCapsule stream protocol."""

        def __init__(self, df: pl.DataFrame) -> None:
            self._df = df

        def __arrow_c_stream__(self, requested_schema: object = None) -> object:
            return self._df.__arrow_c_stream__(requested_schema)

    df = pl.DataFrame({"lon": [119.5], "lat": [35.4]})
    out = citygrid.convert_points(ArrowOnly(df), from_crs="wgs84", to_crs="gcj02")
    assert out.table.height == 1


def test_pyarrow_table_if_installed() -> None:
    pa = pytest.importorskip("pyarrow")
    table = pa.table({"lon": [119.5], "lat": [35.4]})
    out = citygrid.convert_points(table, from_crs="wgs84", to_crs="gcj02")
    assert out.table.height == 1


def test_unknown_crs_is_an_input_error() -> None:
    df = pl.DataFrame({"lon": [119.5], "lat": [35.4]})
    with pytest.raises(citygrid.InputError, match="unknown coordinate reference system \"mars\""):
        citygrid.convert_points(df, from_crs="mars", to_crs="wgs84")
    with pytest.raises(citygrid.CitygridError):
        citygrid.convert_points(df, from_crs="wgs84", to_crs="EPSG:notanumber")


def test_missing_column_is_an_input_error_naming_the_table() -> None:
    df = pl.DataFrame({"lng": [119.5], "lat": [35.4]})
    with pytest.raises(citygrid.InputError, match=r"reports\.csv: no column \"lon\""):
        citygrid.convert_points(df, from_crs="wgs84", to_crs="gcj02", name="reports.csv")


def test_a_column_of_the_wrong_type_is_an_input_error() -> None:
    df = pl.DataFrame({"lon": [True], "lat": [35.4]})
    with pytest.raises(citygrid.InputError, match="coordinates must be numbers or text"):
        citygrid.convert_points(df, from_crs="wgs84", to_crs="gcj02")


def test_not_a_table_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="expected a polars DataFrame"):
        citygrid.convert_points([(119.5, 35.4)], from_crs="wgs84", to_crs="gcj02")
