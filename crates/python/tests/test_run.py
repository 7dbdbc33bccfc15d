"""citygrid.read_run on a small run folder laid out like the nightly job's (docs/nightly.md)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import polars as pl
import pytest

import citygrid
from citygrid import schema

from conftest import NOW, REPO, City


def make_run(out: Path, day: str = "2026-01-01") -> Path:
    folder = out / day
    (folder / "assess").mkdir(parents=True)
    (folder / "maps").mkdir()
    hotspots = pl.DataFrame({schema.GRID_CODE: ["371102001001001"], "gi_z": [2.5]})
    hotspots.write_parquet(folder / "hotspots_count.parquet")
    scores = pl.DataFrame({schema.STREET_CODE: ["371102001"], "score": [91.0]})
    scores.write_parquet(folder / "assess/scores_street.parquet")
    (folder / "components.rejected.csv").write_text("row_number,code\n3,0001\n")
    (folder / "maps/emerging.png").write_bytes(b"\x89PNG")
    (folder / "grids.geojson").write_text('{"type":"FeatureCollection","features":[]}')
    outputs = [
        "assess/scores_street.parquet",
        "components.rejected.csv",
        "grids.geojson",
        "hotspots_count.parquet",
        "maps/emerging.png",
    ]
    manifest = {
        "manifest_version": 1,
        "versions": {"citygrid": "0.1.0"},
        "as_of": f"{day}T00:00:00+08:00",
        "folder": day,
        "config": {},
        "inputs": [],
        "stages": [{"name": "hotspots", "status": "ran", "seconds": 1.5}],
        "outputs": [{"path": p, "sha256": "0" * 64, "bytes": 1} for p in outputs],
        "rejected": {"validate": {"missing_coordinate": 3}},
        "rejected_total": 3,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_reads_the_manifest_and_lists_the_tables(tmp_path: Path) -> None:
    run = citygrid.read_run(make_run(tmp_path))
    assert run.as_of == "2026-01-01T00:00:00+08:00"
    assert run.manifest["rejected_total"] == 3
    assert run.tables == ["assess/scores_street", "components.rejected", "hotspots_count"]
    assert run.stages["hotspots"]["status"] == "ran"


def test_tables_are_polars_dataframes(tmp_path: Path) -> None:
    run = citygrid.read_run(make_run(tmp_path))
    hotspots = run.table("hotspots_count")
    assert isinstance(hotspots, pl.DataFrame)
    assert hotspots[schema.GRID_CODE].to_list() == ["371102001001001"]
    assert run.table("assess/scores_street")["score"].to_list() == [91.0]
    # CSV is read as text, as the command line does: codes keep their leading zeros.
    assert run.table("components.rejected")["code"].to_list() == ["0001"]


def test_files_that_are_not_tables_by_path(tmp_path: Path) -> None:
    folder = make_run(tmp_path)
    run = citygrid.read_run(folder)
    assert run.path("maps/emerging.png") == folder / "maps/emerging.png"
    assert "maps/emerging.png" in run.outputs


def test_the_output_folder_means_its_latest_run(tmp_path: Path) -> None:
    make_run(tmp_path, "2025-12-31")
    folder = make_run(tmp_path, "2026-01-01")
    (tmp_path / "latest").symlink_to("2026-01-01")
    run = citygrid.read_run(tmp_path)
    assert run.folder == folder.resolve()
    assert run.as_of.startswith("2026-01-01")


def test_accepts_a_string(tmp_path: Path) -> None:
    assert citygrid.read_run(str(make_run(tmp_path))).tables


def test_no_manifest_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(citygrid.InputError, match="no manifest.json"):
        citygrid.read_run(tmp_path)


def test_a_missing_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(citygrid.InputError, match="no such folder"):
        citygrid.read_run(tmp_path / "nope")


def test_an_unreadable_manifest_is_an_input_error(tmp_path: Path) -> None:
    folder = make_run(tmp_path)
    (folder / "manifest.json").write_text("{not json")
    with pytest.raises(citygrid.InputError, match="manifest.json: not valid JSON"):
        citygrid.read_run(folder)


def test_another_manifest_version_is_an_input_error(tmp_path: Path) -> None:
    folder = make_run(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["manifest_version"] = 2
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(citygrid.InputError, match="manifest_version 2"):
        citygrid.read_run(folder)


def test_an_unknown_table_is_an_input_error_listing_the_tables(tmp_path: Path) -> None:
    run = citygrid.read_run(make_run(tmp_path))
    with pytest.raises(citygrid.InputError, match="no table 'hotspot'.*hotspots_count"):
        run.table("hotspot")
    with pytest.raises(citygrid.InputError, match="no output 'maps/nope.png'"):
        run.path("maps/nope.png")


def test_a_listed_file_that_is_gone_is_an_input_error(tmp_path: Path) -> None:
    folder = make_run(tmp_path)
    (folder / "hotspots_count.parquet").unlink()
    run = citygrid.read_run(folder)
    with pytest.raises(citygrid.InputError, match="hotspots_count.parquet"):
        run.table("hotspots_count")


def nightly_binary() -> Path | None:
    """The `citygrid` executable scripts/test built (CITYGRID_BIN), if any."""
    path = os.environ.get("CITYGRID_BIN")
    return Path(path) if path and Path(path).is_file() else None


@pytest.mark.skipif(nightly_binary() is None, reason="CITYGRID_BIN: no citygrid executable")
def test_reads_a_real_nightly_run_and_agrees_with_the_bindings(city: City, tmp_path: Path) -> None:
    """Runs `citygrid nightly` on the small city's street and its simulated cases, then reads
    every output back, and checks that the bindings give what the nightly job wrote."""
    binary = nightly_binary()
    assert binary is not None
    (tmp_path / "sim").mkdir()
    city.simulation.cases.write_parquet(tmp_path / "sim/cases.parquet")
    config = tmp_path / "city.toml"
    config.write_text(
        f"""[city]
name_zh = "测试市"
name_en = "Test City"
data = "{REPO / 'data'}"
now = "{NOW}"

[cases]
path = "sim/cases.parquet"

[grids]
boundary = "{city.boundary}"

[hotspots]
permutations = 99

[forecast]
windows = 2
"""
    )
    out = tmp_path / "out"
    run = subprocess.run(
        [str(binary), "nightly", "--config", str(config), "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    # 1: finished, with rejected rows (the simulation's defective ones).
    assert run.returncode == 1, run.stderr
    result = citygrid.read_run(out)
    assert result.folder.name == "2026-01-01"
    assert {s["status"] for s in result.stages.values()} <= {"ran", "not configured"}
    for name in result.tables:
        assert isinstance(result.table(name), pl.DataFrame), name
    grids = result.layer("grids")
    assert grids.crs == "EPSG:4549"
    # The same grids as generate_grids makes from the same boundary.
    assert sorted(grids.df["code"].to_list()) == sorted(city.grids.layer().df["code"].to_list())
    # The same validated cases as validate_cases with the run's cut-off.
    cases = result.table("cases")
    ours = citygrid.validate_cases(
        city.simulation.cases, now=NOW, cutoff=NOW, grids=city.grids, data=REPO / "data"
    )
    assert cases.height == ours.cases.height
    assert cases["case_id"].to_list() == ours.cases["case_id"].to_list()
    assert result.manifest["rejected"]["validate"] == ours.rejected_by_reason
    hot = result.layer("hotspots_count")
    assert hot.df.height == len(city.grids)
    with pytest.raises(citygrid.InputError, match="no layer 'maps/emerging'"):
        result.layer("maps/emerging")
