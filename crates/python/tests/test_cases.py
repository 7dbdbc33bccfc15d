"""citygrid.read_cases, validate_cases and simulate_cases (grid_analytics::validate, ::simulate)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

import citygrid
from citygrid import schema

from conftest import NOW, REPO, City


def test_every_row_is_kept_or_rejected_with_its_reason(city: City) -> None:
    raw, result = city.simulation.cases, city.validated
    assert raw.height == 6_000
    assert result.cases.height + result.rejected.height + result.after_cutoff == raw.height
    assert sum(result.rejected_by_reason.values()) == result.rejected.height
    # The simulation makes about 0.4 % of its rows defective on purpose.
    assert 5 <= result.rejected.height <= 100
    assert set(result.rejected[schema.REJECT_REASON].unique()) == set(result.rejected_by_reason)
    # Valid cases have working-CRS coordinates, grid codes and lifecycle flags.
    for column in (schema.GRID_CODE, schema.STREET_CODE, "x_m", "y_m", "due_at", "open_overdue"):
        assert column in result.cases.columns, column
    assert result.cases[schema.GRID_CODE].null_count() == 0


def test_the_same_seed_gives_the_same_history(city: City) -> None:
    again = citygrid.simulate_cases(city.grids, cases=6_000, data=REPO / "data")
    assert again.cases.equals(city.simulation.cases)
    other = citygrid.simulate_cases(city.grids, cases=6_000, seed=2, data=REPO / "data")
    assert not other.cases.equals(city.simulation.cases)


def test_cutoff_leaves_later_cases_for_the_next_run(city: City) -> None:
    result = citygrid.validate_cases(
        city.simulation.cases,
        now=NOW,
        cutoff=dt.datetime(2025, 7, 1),  # a datetime works as well as text
        grids=city.grids,
        data=REPO / "data",
    )
    assert result.after_cutoff > 0
    reported = result.cases["reported_at"].cast(pl.Utf8).max()
    assert isinstance(reported, str) and reported < "2025-07-01"
    assert result.cases.height + result.rejected.height + result.after_cutoff == 6_000


def test_read_cases_maps_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text("案件编号,来源\n0001,supervisor\n")
    table = citygrid.read_cases(path, columns={"case_id": "案件编号", "source": "来源"})
    assert table.columns == ["case_id", "source"]
    assert table["case_id"].to_list() == ["0001"]  # CSV read as text: leading zeros kept
    with pytest.raises(citygrid.InputError, match="案件状态"):
        citygrid.read_cases(path, columns={"status": "案件状态"})
    with pytest.raises(citygrid.InputError, match="nowhere.csv"):
        citygrid.read_cases(tmp_path / "nowhere.csv")


def test_errors_name_the_problem(city: City, tmp_path: Path) -> None:
    cases = city.simulation.cases.head(10)
    data = REPO / "data"
    with pytest.raises(citygrid.InputError, match="now \"tomorrow\""):
        citygrid.validate_cases(cases, now="tomorrow", data=data)
    with pytest.raises(citygrid.InputError, match="after now"):
        citygrid.validate_cases(cases, now=NOW, cutoff="2026-02-01 00:00", data=data)
    # A table without a required column is not an error: every row is rejected, saying why.
    without_ids = citygrid.validate_cases(cases.drop("case_id"), now=NOW, data=data)
    assert without_ids.cases.height == 0
    assert set(without_ids.rejected[schema.REJECT_FIELD]) == {"case_id"}
    assert without_ids.rejected_by_reason == {"missing_field": 10}
    with pytest.raises(citygrid.InputError, match="std2013"):
        citygrid.validate_cases(cases, now=NOW, data=tmp_path)
    with pytest.raises(citygrid.InputError, match="years"):
        citygrid.simulate_cases(city.grids, years=0, data=data)
