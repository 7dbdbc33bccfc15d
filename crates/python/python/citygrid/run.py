"""Reading a nightly run folder (``citygrid nightly``; its layout in docs/nightly.md).

Plain Python: the folder is a manifest (JSON) and files; the tables are read by polars.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from citygrid._citygrid import InputError
from citygrid.geo import GeoTable, read_layer

MANIFEST = "manifest.json"
"""The manifest's file name in a run folder."""
MANIFEST_VERSION = 1
"""The manifest version this package reads."""
TABLE_SUFFIXES = (".parquet", ".csv")
"""Outputs read as tables: (Geo)Parquet typed, CSV as text (codes keep their leading zeros)."""


@dataclass(frozen=True)
class Run:
    """One nightly run: its folder and manifest. Tables are read when asked for."""

    folder: Path
    """The run folder (symbolic links such as ``latest`` resolved)."""
    manifest: dict[str, Any] = field(repr=False)
    """``manifest.json`` as parsed JSON."""

    @property
    def as_of(self) -> str:
        """The cut-off of the run (RFC 3339)."""
        return str(self.manifest["as_of"])

    @property
    def outputs(self) -> list[str]:
        """Every file the run wrote, relative to the folder, as the manifest lists them."""
        return [str(o["path"]) for o in self.manifest["outputs"]]

    @property
    def stages(self) -> dict[str, dict[str, Any]]:
        """The stage records by stage name (status, seconds, commands, outputs…)."""
        return {str(s["name"]): s for s in self.manifest["stages"]}

    @property
    def tables(self) -> list[str]:
        """The names of the tables (Parquet and CSV outputs without their suffix), sorted."""
        return sorted(_table_files(self.outputs))

    def path(self, output: str) -> Path:
        """The file of an output named by its path in the manifest (``maps/emerging.png``)."""
        if output not in self.outputs:
            raise InputError(f"{self.folder}: no output {output!r} in {MANIFEST}")
        return self.folder / output

    def table(self, name: str) -> pl.DataFrame:
        """A table by name (``hotspots_count``, ``assess/scores_street``); geometries stay WKB."""
        files = _table_files(self.outputs)
        if name not in files:
            raise InputError(
                f"{self.folder}: no table {name!r}; the tables are: {', '.join(sorted(files))}"
            )
        path = self.folder / files[name]
        try:
            if path.suffix == ".parquet":
                return pl.read_parquet(path)
            return pl.read_csv(path, infer_schema=False)
        except (OSError, pl.exceptions.PolarsError) as error:
            raise InputError(f"{path}: {error}") from error

    def layer(self, name: str) -> GeoTable:
        """A map layer by name (``grids``, ``hotspots_count``, ``assess/street``…) as a
        :class:`citygrid.GeoTable` from its GeoParquet file, in the run's working CRS."""
        files = _table_files(self.outputs)
        if name not in files or not files[name].endswith(".parquet"):
            layers = sorted(n for n, f in files.items() if f.endswith(".parquet"))
            raise InputError(
                f"{self.folder}: no layer {name!r}; the GeoParquet outputs are: {', '.join(layers)}"
            )
        return read_layer(self.folder / files[name])


def read_run(folder: str | os.PathLike[str]) -> Run:
    """Opens a nightly run folder (``out/2026-01-01``), or the output folder itself (``out``),
    which means its ``latest`` run.

    Raises :class:`citygrid.InputError` when the folder or its manifest is missing or unreadable,
    or the manifest has another version.
    """
    path = Path(folder)
    if not path.is_dir():
        raise InputError(f"{path}: no such folder")
    if not (path / MANIFEST).is_file() and (path / "latest").is_dir():
        path = path / "latest"
    path = path.resolve()
    manifest_path = path / MANIFEST
    if not manifest_path.is_file():
        raise InputError(f"{path}: no {MANIFEST}: not a citygrid nightly run folder")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(f"{manifest_path}: {error}") from error
    except json.JSONDecodeError as error:
        raise InputError(f"{manifest_path}: not valid JSON: {error}") from error
    version = manifest.get("manifest_version") if isinstance(manifest, dict) else None
    if version != MANIFEST_VERSION:
        raise InputError(
            f"{manifest_path}: manifest_version {version}; this citygrid reads version "
            f"{MANIFEST_VERSION}"
        )
    return Run(folder=path, manifest=manifest)


def _table_files(outputs: list[str]) -> dict[str, str]:
    """Table name → output path, for the outputs that are tables (Parquet first)."""
    files: dict[str, str] = {}
    for suffix in TABLE_SUFFIXES:
        for output in outputs:
            if output.endswith(suffix):
                files.setdefault(output[: -len(suffix)], output)
    return files
