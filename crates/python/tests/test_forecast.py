"""citygrid.forecast and citygrid.forecast_cases: the Rust forecast run
(grid_analytics::forecast::run_forecasts) through the facade, against hand-checked values, the
statsforecast golden values the Rust tests use, and the ``citygrid`` command itself."""

from __future__ import annotations

import datetime as dt
import math
import os
import struct
import subprocess
from pathlib import Path

import polars as pl
import pytest

import citygrid

GOLDEN = "crates/analytics/tests/golden/statsforecast"

# statsforecast's labels in the golden files and the same models as citygrid spells them.
GOLDEN_MODELS = {
    "Naive": "Naive",
    "SeasonalNaive": "SeasonalNaive",
    "HistoricAverage": "HistoricAverage",
    "WindowAverage": "WindowAverage:7",
    "SES": "SES:0.3",
    "SESOpt": "SESOpt",
    "CrostonClassic": "CrostonClassic",
    "CrostonSBA": "CrostonSBA",
    "CrostonOptimized": "CrostonOptimized",
    "TSB": "TSB",
    "ADIDA": "ADIDA",
    "IMAPA": "IMAPA",
}


def tiny() -> pl.DataFrame:
    """Series "a": 1, 3, 2 and "b": 4, 4 (from 2024-01-01, daily)."""
    return pl.DataFrame(
        {
            "unique_id": ["a", "a", "a", "b", "b"],
            "ds": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-01", "2024-01-02"],
            "y": [1.0, 3.0, 2.0, 4.0, 4.0],
        }
    )


def golden_series(repo: Path) -> pl.DataFrame:
    return pl.read_csv(repo / GOLDEN / "series.csv", try_parse_dates=True)


def close(a: float | None, b: float, tol: float = 1e-7) -> bool:
    return a is not None and abs(a - b) <= tol * (1.0 + abs(b))


def test_naive_and_historic_average_by_hand() -> None:
    out = citygrid.forecast(tiny(), freq="day", horizon=2, models="Naive,HistoricAverage")
    f = out.forecasts
    assert f.columns == [
        "unique_id",
        "ds",
        "model",
        "mean",
        "lo_80",
        "hi_80",
        "lo_95",
        "hi_95",
        "fallback",
    ]
    assert f.select("unique_id", "ds", "model", "mean").rows() == [
        ("a", "2024-01-04", "Naive", 2.0),
        ("a", "2024-01-05", "Naive", 2.0),
        ("a", "2024-01-04", "HistoricAverage", 2.0),
        ("a", "2024-01-05", "HistoricAverage", 2.0),
        ("b", "2024-01-03", "Naive", 4.0),
        ("b", "2024-01-04", "Naive", 4.0),
        ("b", "2024-01-03", "HistoricAverage", 4.0),
        ("b", "2024-01-04", "HistoricAverage", 4.0),
    ]
    assert not f["fallback"].any()
    # Listed models: nothing is chosen, so no metrics or places unless asked for.
    assert out.metrics is None and out.places is None
    assert out.rejected.height == 0 and out.warnings == []
    # HistoricAverage's own interval on "a": mean 2, residual sd 1 (n − 1 = 2 degrees of
    # freedom), widened by √(1 + 1/n) for the estimated mean; z(90 %) ≈ 1.2816.
    row = f.filter((pl.col("unique_id") == "a") & (pl.col("model") == "HistoricAverage")).row(
        0, named=True
    )
    half = 1.2815515655446004 * math.sqrt(1 + 1 / 3)
    assert row["hi_80"] == pytest.approx(2.0 + half, rel=1e-9)
    assert row["lo_80"] == pytest.approx(2.0 - half, rel=1e-9)


def test_a_model_list_may_be_a_sequence_and_levels_a_number() -> None:
    listed = citygrid.forecast(tiny(), freq="day", horizon=1, models=["Naive", "SES:0.5"], level=90)
    assert listed.forecasts.columns[4:6] == ["lo_90", "hi_90"]
    assert listed.forecasts["model"].to_list() == ["Naive", "SES", "Naive", "SES"]
    # SES(0.5) on 1, 3, 2: level 1 → 2 → 2.
    assert listed.forecasts["mean"].to_list()[1] == pytest.approx(2.0)


def test_too_short_to_choose_falls_back_to_naive() -> None:
    # Three days cannot be cross-validated over 3 windows of 2: the automatic choice is Naive.
    out = citygrid.forecast(tiny(), freq="day", horizon=2, metrics=True)
    assert out.forecasts["model"].unique().to_list() == ["Naive"]
    assert out.metrics is not None and out.metrics.height == 0


def test_forecasts_match_statsforecast(repo: Path) -> None:
    series = golden_series(repo)
    # Fitted on all but the last 14 values (the short series: on all of them), as the goldens.
    train = series.filter(
        (pl.col("unique_id") == "short")
        | (pl.int_range(pl.len()).over("unique_id") < pl.len().over("unique_id") - 14)
    )
    out = citygrid.forecast(
        train, freq="day", horizon=14, models=list(GOLDEN_MODELS.values()), level=(80, 95)
    )
    ours = out.forecasts.with_columns(
        step=pl.int_range(1, pl.len() + 1).over("unique_id", "model")
    )
    golden = pl.read_csv(repo / GOLDEN / "forecasts.csv").filter(
        pl.col("model").is_in(list(GOLDEN_MODELS))
    )
    names = {v.split(":")[0]: k for k, v in GOLDEN_MODELS.items()}
    checked = 0
    for r in ours.filter(~pl.col("fallback")).iter_rows(named=True):
        label = names.get(r["model"], r["model"])
        theirs = golden.filter(
            (pl.col("unique_id") == r["unique_id"])
            & (pl.col("model") == label)
            & (pl.col("step") == r["step"])
        )
        assert theirs.height == 1, (r["unique_id"], label, r["step"])
        g = theirs.row(0, named=True)
        # Counts: ours are clipped at 0.
        assert close(r["mean"], max(g["mean"], 0.0)), (r, g)
        if g["lo_80"] is not None:
            for bound in ("lo_80", "hi_80", "lo_95", "hi_95"):
                assert close(r[bound], max(g[bound], 0.0)), (r, g, bound)
        checked += 1
    # Every model on every series but the all-zero one, where the intermittent models and
    # SESOpt fall back (nothing to fit); 14 steps each.
    assert checked >= 5 * len(GOLDEN_MODELS) * 14


def test_cross_validation_scores_match_statsforecast(repo: Path) -> None:
    series = golden_series(repo).filter(pl.col("unique_id").is_in(["births_us", "seasonal"]))
    candidates = ["Naive", "SeasonalNaive", "HistoricAverage", "SESOpt"]
    out = citygrid.forecast(
        series,
        freq="day",
        horizon=7,
        models="auto:" + ",".join(candidates),
        windows=3,
        metrics=True,
    )
    assert out.metrics is not None
    golden = pl.read_csv(repo / GOLDEN / "cross_validation.csv")
    checked = 0
    for (uid, model), cv in golden.filter(pl.col("model").is_in(candidates)).group_by(
        ["unique_id", "model"]
    ):
        errors = (cv["y"] - cv["mean"].clip(lower_bound=0.0)).abs()
        row = out.metrics.filter(
            (pl.col("scope") == "series")
            & (pl.col("unique_id") == uid)
            & (pl.col("model") == model)
        ).row(0, named=True)
        assert close(row["mae"], errors.mean(), 1e-8), (uid, model)
        assert close(row["rmse"], math.sqrt((errors**2).mean()), 1e-8), (uid, model)
        if cv["lo_80"].null_count() == 0:
            inside = (cv["y"] >= cv["lo_80"].clip(lower_bound=0.0)) & (cv["y"] <= cv["hi_80"])
            assert close(row["coverage_80"], inside.mean(), 1e-12), (uid, model)
        checked += 1
    assert checked == 2 * len(candidates)
    # The chosen candidate is the one with the lowest MASE on each series.
    per_series = out.metrics.filter(
        (pl.col("scope") == "series") & pl.col("model").is_in(candidates)
    )
    for (uid,), rows in per_series.group_by(["unique_id"]):
        best = rows.sort("mase").row(0, named=True)
        assert best["chosen"], uid
        chosen = out.forecasts.filter(pl.col("unique_id") == uid)["model"].unique().to_list()
        assert chosen == [best["model"]]


def test_bad_rows_are_returned_rejected() -> None:
    table = pl.concat(
        [
            tiny(),
            pl.DataFrame(
                {"unique_id": ["a", None, "b"], "ds": ["2024-01-09", "2024-01-01", "x"], "y": [
                    None,
                    1.0,
                    1.0,
                ]}
            ),
        ]
    )
    out = citygrid.forecast(table, freq="day", horizon=1, models="Naive")
    r = out.rejected
    assert r.columns[:4] == [
        citygrid.schema.ROW_NUMBER,
        citygrid.schema.REJECT_FIELD,
        citygrid.schema.REJECT_REASON,
        citygrid.schema.REJECT_DETAIL,
    ]
    assert r.columns[4:] == table.columns
    assert r.select("row_number", "reject_field").rows() == [(6, "y"), (7, "unique_id"), (8, "ds")]
    assert r["reject_detail"].to_list()[2] == '"x" is not a date (YYYY-MM-DD)'
    # The good rows are forecast as without the bad ones.
    assert out.forecasts.equals(citygrid.forecast(tiny(), freq="day", horizon=1, models="Naive").forecasts)


class ArrowOnly:
    """Stands for a pyarrow Table: only the Arrow PyCapsule stream protocol."""

    def __init__(self, df: pl.DataFrame) -> None:
        self._df = df

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        return self._df.__arrow_c_stream__(requested_schema)


def test_arrow_tables_are_accepted() -> None:
    out = citygrid.forecast(ArrowOnly(tiny()), freq="day", horizon=1, models="Naive")
    assert out.forecasts["mean"].to_list() == [2.0, 4.0]
    weekly = citygrid.forecast_cases(ArrowOnly(cases()), freq="week", horizon=1, models="Naive")
    assert weekly.forecasts.height == 2


def test_pyarrow_tables_if_installed() -> None:
    pa = pytest.importorskip("pyarrow")
    table = pa.table(tiny().to_dict(as_series=False))
    out = citygrid.forecast(table, freq="day", horizon=1, models="Naive")
    assert out.forecasts["mean"].to_list() == [2.0, 4.0]


def cases() -> pl.DataFrame:
    """Cases on two grids of one community over two weeks (Monday 2024-01-01 to Sunday the
    14th), and one case without a grid."""
    grids = ["371102001001001", "371102001001002"]
    rows = []
    for day in range(14):
        for k, grid in enumerate(grids):
            for _ in range(1 + k * (day % 2)):
                rows.append((grid, dt.datetime(2024, 1, 1 + day, 9)))
    rows.append((None, dt.datetime(2024, 1, 3, 9)))
    return pl.DataFrame(
        {
            "grid_code": [g for g, _ in rows],
            "community_code": [g[:12] if g else None for g, _ in rows],
            "street_code": [g[:9] if g else None for g, _ in rows],
            "district_code": [g[:6] if g else None for g, _ in rows],
            "reported_at": [t for _, t in rows],
            "kind": ["event"] * len(rows),
            "class_code": ["0101"] * len(rows),
            "source": ["supervisor"] * len(rows),
        }
    )


def test_case_counts_per_week_with_bottom_up_sums() -> None:
    out = citygrid.forecast_cases(
        cases(), freq="week", horizon=1, models="HistoricAverage", bottom_up=True
    )
    f = out.forecasts.select("unique_id", "ds", "model", "mean")
    # Grid 1: 7 cases a week; grid 2: 7 + 3 (every other day twice) = 10 and 11.
    assert f.rows() == [
        ("371102001001001", "2024-01-15", "HistoricAverage", 7.0),
        ("371102001001002", "2024-01-15", "HistoricAverage", 10.5),
        ("371102001001", "2024-01-15", "BottomUp(HistoricAverage)", 17.5),
        ("371102001", "2024-01-15", "BottomUp(HistoricAverage)", 17.5),
        ("371102", "2024-01-15", "BottomUp(HistoricAverage)", 17.5),
    ]
    assert out.warnings == ["1 cases have no grid_code (or no report time) and are not counted"]
    assert out.rejected.height == 0


def test_case_filters_and_units() -> None:
    community = citygrid.forecast_cases(
        cases(),
        freq="day",
        horizon=1,
        unit="community",
        models="Naive",
        from_day=dt.date(2024, 1, 2),
        to_day="2024-01-04",
    )
    # 2024-01-02 and 03: 1 + 2 and 1 + 1 cases (the grid-less case has a community neither).
    assert community.forecasts.select("unique_id", "ds", "mean").rows() == [
        ("371102001001", "2024-01-04", 2.0)
    ]
    nothing = citygrid.forecast_cases(cases(), freq="day", horizon=1, sources=["hotline_12345"])
    assert nothing.forecasts.height == 0


def rectangle(x: float, y: float, width: float, height: float) -> bytes:
    """A rectangle as WKB (little-endian Polygon, one ring)."""
    ring = [(x, y), (x + width, y), (x + width, y + height), (x, y + height), (x, y)]
    return struct.pack("<BII", 1, 3, 1) + struct.pack("<I", len(ring)) + b"".join(
        struct.pack("<dd", *p) for p in ring
    )


def test_place_backtest_weighs_places_by_their_grid_areas() -> None:
    # Areas 1, 3 and 4 ha in EPSG:4549; the third grid has no case: a place forecast 0.
    grid = citygrid.GeoTable(
        pl.DataFrame(
            {
                "code": ["371102001001001", "371102001001002", "371102001001003"],
                "geometry": [
                    rectangle(500_000, 3_900_000, 100, 100),
                    rectangle(500_100, 3_900_000, 100, 300),
                    rectangle(500_200, 3_900_000, 200, 200),
                ],
            }
        ),
        "EPSG:4549",
    )
    out = citygrid.forecast_cases(
        cases(),
        freq="week",
        horizon=1,
        windows=1,
        models="HistoricAverage",
        places=True,
        budgets=[40, 50],
        grid=grid,
    )
    assert out.places is not None
    p = out.places.filter(pl.col("model") == "HistoricAverage")
    # The window is the second week, forecast from the first: grid 2 (10 cases, 3 of 8 ha)
    # first, then grid 1 (7 cases, 1 ha), which fits in 50 % of the area but not in 40 %.
    # Week 2 had 7 and 11 cases.
    assert p.select("window", "budget_pct", "cells", "area_share").rows() == [
        ("2024-01-08", 40.0, 1.0, 0.375),
        ("2024-01-08", 50.0, 2.0, 0.5),
        ("mean", 40.0, 1.0, 0.375),
        ("mean", 50.0, 2.0, 0.5),
    ]
    assert p["hit_rate"].to_list()[:2] == pytest.approx([11 / 18, 1.0])
    assert p["pai"].to_list()[:2] == pytest.approx([11 / 18 / 0.375, 2.0])
    assert p["pei"].to_list()[:2] == pytest.approx([1.0, 1.0])
    # Without the layer every place (the two grids with cases) counts as the same area.
    equal = citygrid.forecast_cases(
        cases(), freq="week", horizon=1, windows=1, models="HistoricAverage", places=True,
        budgets=[40, 50],
    )
    assert equal.places is not None
    assert equal.places.filter(pl.col("model") == "HistoricAverage")["cells"].to_list() == [
        0.0,
        1.0,
        0.0,
        1.0,
    ]
    # A layer without one of the series' grids, or without codes.
    with pytest.raises(citygrid.InputError, match="series 371102001001002 has no grid"):
        citygrid.forecast_cases(
            cases(), freq="week", horizon=1, windows=1, places=True,
            grid=citygrid.GeoTable(grid.df.head(1), grid.crs),
        )
    with pytest.raises(citygrid.InputError, match=r'grid: no column "code \(or grid_code\)"'):
        citygrid.forecast_cases(
            cases(), freq="week", horizon=1, windows=1, places=True,
            grid=citygrid.GeoTable(grid.df.rename({"code": "id"}), grid.crs),
        )
    with pytest.raises(TypeError, match="grid: expected a citygrid.GeoTable"):
        citygrid.forecast_cases(cases(), freq="week", horizon=1, places=True, grid=grid.df)  # type: ignore[arg-type]


def test_errors_are_input_errors_with_the_rust_message() -> None:
    for kwargs, message in [
        ({"models": "Prophet"}, 'models: "Prophet": unknown model'),
        ({"models": "ETS:MNM"}, "the ETS form must be"),
        ({"freq": "month"}, 'freq: "month": expected day or week'),
        ({"horizon": 0}, "horizon: 0: expected at least 1 step"),
        ({"horizon": -1}, "horizon: -1: expected a count, 0 or more"),
        ({"step_size": 0}, "step_size: 0: expected at least 1"),
        ({"level": 150}, "level: 150: expected a percentage between 0 and 100"),
        ({"score": "mad"}, 'score: "mad": expected mase or rmsse'),
        ({"choose": "all"}, 'choose: "all": expected series or pooled'),
        ({"budgets": [0, 5]}, "budgets: 0: expected a percentage above 0 and at most 100"),
        ({"value_col": "count"}, 'no column "count" (columns: unique_id, ds, y)'),
    ]:
        options = {"freq": "day", "horizon": 1, **kwargs}
        with pytest.raises(citygrid.InputError) as error:
            citygrid.forecast(tiny(), **options)
        assert message in str(error.value), (kwargs, str(error.value))
    with pytest.raises(citygrid.InputError, match="must end on the same period"):
        citygrid.forecast(tiny(), freq="day", horizon=1, places=True)
    with pytest.raises(citygrid.InputError, match="bottom_up: needs case series per grid"):
        citygrid.forecast_cases(cases(), freq="day", horizon=1, unit="street", bottom_up=True)
    with pytest.raises(citygrid.InputError, match='unit: "county": expected grid'):
        citygrid.forecast_cases(cases(), freq="day", horizon=1, unit="county")  # type: ignore[arg-type]
    with pytest.raises(citygrid.InputError, match='from_day "2024-1-x": expected YYYY-MM-DD'):
        citygrid.forecast_cases(cases(), freq="day", horizon=1, from_day="2024-1-x")
    with pytest.raises(TypeError, match="table: expected a polars DataFrame"):
        citygrid.forecast([1, 2], freq="day", horizon=1)


def test_same_tables_as_the_command(tmp_path: Path, repo: Path) -> None:
    """The forecast, metrics and places tables equal ``citygrid forecast``'s files. Runs when
    CITYGRID_BIN names the binary (``cargo build -p grid-jobs --bin citygrid``)."""
    binary = os.environ.get("CITYGRID_BIN")
    if not binary:
        pytest.skip("set CITYGRID_BIN to the citygrid binary to compare with the command")
    # Two series that end on the same day, so that the place backtest can compare them.
    series = golden_series(repo).filter(pl.col("unique_id").is_in(["intermittent", "trend"]))
    path = tmp_path / "series.csv"
    series.write_csv(path)
    files = {name: tmp_path / f"{name}.parquet" for name in ("out", "metrics", "places")}
    for choose in ("series", "pooled"):
        run = subprocess.run(
            [
                binary,
                "forecast",
                "--series",
                str(path),
                "--freq",
                "day",
                "--horizon",
                "7",
                "--choose",
                choose,
                "--out",
                str(files["out"]),
                "--metrics-out",
                str(files["metrics"]),
                "--places-out",
                str(files["places"]),
            ],
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr
        ours = citygrid.forecast(
            series, freq="day", horizon=7, choose=choose, metrics=True, places=True
        )
        assert ours.forecasts.equals(pl.read_parquet(files["out"]))
        assert ours.metrics is not None and ours.metrics.equals(pl.read_parquet(files["metrics"]))
        assert ours.places is not None and ours.places.equals(pl.read_parquet(files["places"]))
