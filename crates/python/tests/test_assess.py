"""citygrid.assess: the Rust assessment (grid_analytics::assess) through the facade: indicators
by hand on a few cases, inspection blending, errors, and the same tables as `citygrid assess`."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import polars as pl
import pytest

import citygrid
from conftest import City

STREET = "371102001"


def day(d: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2025, 7, d, hour)


def hand_cases() -> pl.DataFrame:
    """Four cases of one street, department and supervisor in July 2025:

    c1 supervisor report, due 07-04, disposed 07-03 (on time), closed 07-03
    c2 verified public report, due 07-07, disposed 07-08 (late), closed 07-09, reworked once
    c3 supervisor report, due 07-12, still open (overdue at the end of July)
    c4 supervisor report, voided on the day (never filed)
    """
    n = None
    times = {
        "reported_at": [day(1), day(5), day(10), day(15)],
        "filed_at": [day(1), day(5), day(10), n],
        "voided_at": [n, n, n, day(15)],
        "dispatched_at": [day(1), day(5), day(10), n],
        "due_at": [day(4), day(7), day(12), n],
        "disposed_at": [day(3), day(8), n, n],
        "closed_at": [day(3, 12), day(9), n, n],
        "checked_at": [day(3, 10), day(8, 10), n, n],
    }
    return pl.DataFrame(
        {
            "case_id": ["c1", "c2", "c3", "c4"],
            **{k: pl.Series(v, dtype=pl.Datetime("ms")) for k, v in times.items()},
            "public_report": [False, True, False, False],
            "public_report_verified": [False, True, False, False],
            "rework_count": [0, 1, 0, 0],
            "street_code": [STREET] * 4,
            "department": ["water"] * 4,
            "supervisor_id": ["S1"] * 4,
        }
    )


def indicator(result: citygrid.Assessment, level: str, name: str) -> dict[str, object]:
    rows = result.indicators.filter(
        (pl.col("level") == level) & (pl.col("indicator") == name)
    ).to_dicts()
    assert len(rows) == 1, (level, name, rows)
    return rows[0]


def test_indicators_by_hand() -> None:
    result = citygrid.assess(hand_cases(), period="2025-07")
    assert (result.period, result.previous) == ("2025-07", "2025-06")
    # Only the levels whose column the table has.
    assert list(result.scores) == ["street", "department", "supervisor"]
    assert any("no district_code column" in w for w in result.warnings)
    assert result.inspection_rejected is None
    expected = {
        ("street", "filed_cases"): (3, None),
        ("street", "public_report_rate"): (1, 3),
        ("street", "closure_rate"): (2, 3),
        ("street", "on_time_closure_rate"): (1, 3),
        ("street", "overdue_open"): (1, None),
        ("street", "undispatched_open"): (0, None),
        ("department", "disposal_rate"): (2, 3),
        ("department", "on_time_disposal_rate"): (1, 3),
        ("department", "rework_rate"): (1, 2),
        ("department", "late_disposals"): (1, None),
        ("department", "closure_rate"): (2, 3),
        ("supervisor", "valid_report_rate"): (2, 3),
        ("supervisor", "missed_report_rate"): (1, 3),
    }
    for (level, name), (numerator, denominator) in expected.items():
        row = indicator(result, level, name)
        assert row["period"] == "2025-07"
        assert row["scope"] == {"street": STREET, "department": "water", "supervisor": "S1"}[level]
        assert (row["numerator"], row["denominator"]) == (numerator, denominator), name
        if denominator is not None:
            assert row["value"] == pytest.approx(numerator / denominator), name
    # Without verify_work_h/check_work_h the supervisors' on-time rates have no score.
    assert indicator(result, "supervisor", "on_time_check_rate")["score"] is None

    # Default scores: public-report rate inverted (10), filed cases by band (20: 3 cases → 100),
    # closure rate (30), on-time closure rate (40).
    street = result.scores["street"].row(0, named=True)
    assert street["public_report_rate_score"] == pytest.approx(100 - 100 / 3)
    assert street["filed_cases_score"] == 100
    platform = (10 * (100 - 100 / 3) + 20 * 100 + 30 * 200 / 3 + 40 * 100 / 3) / 100
    assert street["platform"] == pytest.approx(platform)
    assert street["composite"] == street["platform"]
    assert street["rank"] == 1
    assert street["inspection"] is None
    # June has no case: no previous score, no change.
    assert street["previous"] is None and street["change"] is None
    department = result.scores["department"].row(0, named=True)
    # Disposal 2/3 (10), on time 1/3 (30), rework 1/2 inverted (30), closure 2/3 (30).
    assert department["platform"] == pytest.approx(
        (10 * 200 / 3 + 30 * 100 / 3 + 30 * 50 + 30 * 200 / 3) / 100
    )


def test_the_long_table_and_the_wide_tables_have_the_documented_columns() -> None:
    result = citygrid.assess(hand_cases(), period="2025-07-01..2025-08-01")
    # The window of the same length (31 days) just before.
    assert result.previous == "2025-05-31..2025-07-01"
    assert result.indicators.columns == [
        "period", "level", "scope", "indicator", "numerator", "denominator", "value", "weight",
        "score",
    ]
    wide = result.scores["department"]
    assert wide.columns[:4] == ["period", "level", "scope", "peer_class"]
    assert "rework_rate_value" in wide.columns and "rework_rate_score" in wide.columns
    assert wide.columns[-9:] == [
        "platform", "inspection", "composite", "grade", "rank", "peer_rank", "previous", "change",
        "drivers",
    ]
    assert wide.schema["rank"] == pl.UInt32


def test_change_and_drivers_against_the_previous_period() -> None:
    # June, the previous period, has one case, handled like c1: every department score 100.
    cases = hand_cases()
    june = cases.head(1).with_columns(
        [pl.col(c) - pl.duration(days=30) for c in cases.columns if c.endswith("_at")]
    ).with_columns(pl.lit("c0").alias("case_id"))
    result = citygrid.assess(pl.concat([june, cases]), period="2025-07")
    row = result.scores["department"].row(0, named=True)
    assert row["previous"] == pytest.approx(100.0)
    assert row["change"] == pytest.approx(row["platform"] - 100.0)
    # Each driver is its weight share times its score change, largest first: on-time disposal
    # 0.3 × (33.3 − 100), rework 0.3 × (50 − 100), closure 0.3 × (66.7 − 100).
    assert row["drivers"] == "on_time_disposal_rate -20.00; rework_rate -15.00; closure_rate -10.00"


def test_inspection_scores_blend_at_the_configured_share() -> None:
    scoring = citygrid.default_scoring().replace("inspection_share = 0.0", "inspection_share = 0.5")
    inspection = pl.DataFrame(
        {
            "level": ["street", None, "city", "department"],
            "scope": [STREET, "S1", "x", "water"],
            "score": ["80", "90", "50", "abc"],
        }
    )
    result = citygrid.assess(
        hand_cases(), period="2025-07", scoring=scoring, inspection=inspection
    )
    street = result.scores["street"].row(0, named=True)
    assert street["inspection"] == 80
    assert street["composite"] == pytest.approx(0.5 * street["platform"] + 0.5 * 80)
    # No level: the score applies at every level.
    supervisor = result.scores["supervisor"].row(0, named=True)
    assert supervisor["inspection"] == 90
    assert supervisor["composite"] == pytest.approx(0.5 * supervisor["platform"] + 45)
    # The rejected rows: an unknown level, a score that is not a number; the department keeps
    # its platform score.
    department = result.scores["department"].row(0, named=True)
    assert department["inspection"] is None
    assert department["composite"] == department["platform"]
    rejected = result.inspection_rejected
    assert rejected is not None
    assert rejected.columns[:4] == ["row_number", "reject_field", "reject_reason", "reject_detail"]
    assert rejected["row_number"].to_list() == [3, 4]
    assert rejected["reject_field"].to_list() == ["level", "score"]
    assert rejected["scope"].to_list() == ["x", "water"]


def test_inspection_scores_as_numbers_and_from_arrow() -> None:
    pa = pytest.importorskip("pyarrow")
    inspection = pa.table({"scope": [STREET], "score": [70.0]})
    result = citygrid.assess(hand_cases().to_arrow(), period="2025-07", inspection=inspection)
    assert result.scores["street"]["inspection"].to_list() == [70.0]
    assert result.inspection_rejected is not None and result.inspection_rejected.height == 0


def test_unmatched_inspection_scores_are_a_warning() -> None:
    inspection = pl.DataFrame({"scope": ["nowhere"], "score": [50]})
    result = citygrid.assess(hand_cases(), period="2025-07", inspection=inspection)
    assert any("no inspection score matched" in w for w in result.warnings)


def test_point_maps_at_the_mean_position_of_the_cases() -> None:
    cases = hand_cases().with_columns(
        x_m=pl.Series([500_000.0, 500_100.0, 500_200.0, 500_300.0]),
        y_m=pl.Series([3_900_000.0] * 4),
    )
    result = citygrid.assess(cases, period="2025-07")
    assert list(result.maps) == ["street"]
    layer = result.maps["street"]
    assert isinstance(layer, citygrid.GeoTable)
    assert layer.crs == "EPSG:4549"
    assert layer.df["scope"].to_list() == [STREET]
    [feature] = layer.__geo_interface__["features"]
    assert feature["geometry"]["type"] == "Point"
    assert feature["geometry"]["coordinates"] == pytest.approx([500_150.0, 3_900_000.0])


def test_default_scoring_parses_and_scores_as_the_default(tmp_path: Path) -> None:
    text = citygrid.default_scoring()
    assert "version = 1" in text and "on_time_closure_rate" in text
    path = tmp_path / "scoring.toml"
    path.write_text(text, encoding="utf-8")
    by_default = citygrid.assess(hand_cases(), period="2025-07")
    from_file = citygrid.assess(hand_cases(), period="2025-07", scoring_file=path)
    assert from_file.scores["street"].equals(by_default.scores["street"])


NEGATIVE_WEIGHT = """version = 1
grades = [{ grade = "A", min = 0.0 }]
[department]
rework_rate = { weight = -2.0 }
"""


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"period": "2025-Q5"}, "quarters are Q1 to Q4"),
        ({"period": "July"}, "period"),
        ({"period": "2025-07", "working_crs": "not-a-crs"}, "not-a-crs"),
        (
            {"period": "2025-07", "scoring": NEGATIVE_WEIGHT},
            "scoring: department.rework_rate.weight",
        ),
        ({"period": "2025-07", "scoring": "version = 1\nno_such_key = 3\n"}, "scoring: line 2"),
        ({"period": "2025-07", "scoring_file": "/no/such/scoring.toml"}, "reading /no/such"),
        (
            {"period": "2025-07", "inspection": pl.DataFrame({"scope": ["a"]})},
            'inspection: no column "score"',
        ),
    ],
)
def test_input_errors_carry_the_message(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(citygrid.InputError, match=message):
        citygrid.assess(hand_cases(), **kwargs)  # type: ignore[arg-type]


def test_a_missing_case_column_is_an_input_error() -> None:
    with pytest.raises(citygrid.InputError, match='no column "filed_at"'):
        citygrid.assess(hand_cases().drop("filed_at"), period="2025-07")


def test_type_errors() -> None:
    with pytest.raises(TypeError, match="not both"):
        citygrid.assess(hand_cases(), period="2025-07", scoring="", scoring_file="x.toml")
    with pytest.raises(TypeError, match="cases"):
        citygrid.assess([1, 2], period="2025-07")
    with pytest.raises(TypeError, match="grids"):
        citygrid.assess(hand_cases(), period="2025-07", grids=pl.DataFrame({"code": ["1"]}))


def test_grids_without_codes_are_an_input_error(city: City) -> None:
    layer = city.grids.layer()
    nameless = citygrid.GeoTable(layer.df.drop("code"), layer.crs)
    with pytest.raises(citygrid.InputError, match=r'grids: no column "code \(or grid_code\)"'):
        citygrid.assess(city.validated.cases, period="2025-Q3", grids=nameless)


def test_polygon_maps_from_the_grids(city: City) -> None:
    """With grids (a Grids object here), each region's shape is its grids' union: the street's
    area is the grids' total area."""
    result = citygrid.assess(city.validated.cases, period="2025-Q3", grids=city.grids)
    street = result.maps["street"]
    assert street.crs == city.grids.crs
    assert street.df["scope"].to_list() == ["371102001"]
    assert street.df.columns == [*result.scores["street"].columns, "geometry"]
    frame = street.to_geopandas()
    total = city.grids.layer().df["area_m2"].sum()
    assert frame.geometry.area.sum() == pytest.approx(total, rel=1e-6)
    grid = result.maps["grid"]
    assert set(grid.df["scope"]) <= set(city.grids.layer().df["code"])
    assert grid.__geo_interface__["features"][0]["geometry"]["type"] == "MultiPolygon"


def cli() -> Path | None:
    """The `citygrid` executable scripts/test built (CITYGRID_BIN), if any."""
    path = os.environ.get("CITYGRID_BIN")
    return Path(path) if path and Path(path).is_file() else None


def test_default_scoring_is_what_the_command_prints() -> None:
    binary = cli()
    if binary is None:
        pytest.skip("CITYGRID_BIN: no citygrid executable")
    run = subprocess.run(
        [str(binary), "assess", "--print-config"], capture_output=True, text=True, check=True
    )
    assert run.stdout == citygrid.default_scoring()


@pytest.mark.parametrize("with_grids", [True, False])
def test_the_same_tables_as_the_command(city: City, tmp_path: Path, with_grids: bool) -> None:
    """`citygrid assess` and citygrid.assess on the small city's validated cases, with
    inspection scores (one row rejected) blended in at a share of 0.3: equal tables and maps."""
    binary = cli()
    if binary is None:
        pytest.skip("CITYGRID_BIN: no citygrid executable")
    cases = tmp_path / "cases.parquet"
    city.validated.cases.write_parquet(cases)
    grids = tmp_path / "grids.parquet"
    city.grids.write(grids)
    scoring = tmp_path / "scoring.toml"
    scoring.write_text(
        citygrid.default_scoring().replace("inspection_share = 0.0", "inspection_share = 0.3")
    )
    department = city.validated.cases["department"].drop_nulls().sort()[0]
    inspection = tmp_path / "inspection.csv"
    inspection.write_text(
        f"level,scope,score\ndepartment,{department},40\nstreet,371102001,abc\n,371102001,75\n"
    )
    out = tmp_path / "out"
    command = [str(binary), "assess", "--cases", str(cases), "--period", "2025-Q3",
               "--config", str(scoring), "--inspection", str(inspection), "--out", str(out)]
    if with_grids:
        command += ["--grid", str(grids)]
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    # 1: done, with a rejected inspection row.
    assert run.returncode == 1, run.stderr

    result = citygrid.assess(
        pl.read_parquet(cases),
        period="2025-Q3",
        scoring_file=scoring,
        inspection=pl.read_csv(inspection, infer_schema=False),
        grids=citygrid.read_layer(grids) if with_grids else None,
    )
    assert result.indicators.equals(pl.read_parquet(out / "indicators.parquet"))
    levels = ["district", "street", "community", "grid", "department", "supervisor"]
    assert list(result.scores) == levels
    for level, table in result.scores.items():
        assert table.equals(pl.read_parquet(out / f"scores_{level}.parquet")), level
    # The inspection score is in, blended at 0.3.
    row = result.scores["department"].filter(pl.col("scope") == department).row(0, named=True)
    assert row["inspection"] == 40.0
    assert row["composite"] == pytest.approx(0.7 * row["platform"] + 0.3 * 40)
    assert result.inspection_rejected is not None
    assert result.inspection_rejected["row_number"].to_list() == [2]
    written = pl.read_csv(out / "inspection.rejected.csv")
    # The command counts lines of the file (the header is line 1), Python rows of the table.
    assert written["row_number"].to_list() == [3]

    assert list(result.maps) == levels[:4]
    for level, layer in result.maps.items():
        file = citygrid.read_layer(out / f"{level}.parquet")
        assert layer.crs == file.crs == "EPSG:4549"
        assert layer.df.equals(file.df), level
        kind = "MultiPolygon" if with_grids else "Point"
        assert layer.__geo_interface__["features"][0]["geometry"]["type"] == kind
