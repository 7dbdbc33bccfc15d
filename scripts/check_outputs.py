#!/usr/bin/env python3
"""Check that a citygrid nightly run folder opens unmodified in GeoPandas and DuckDB.

Usage: check_outputs.py RUN_FOLDER [--jobs N] [--sample N] [--no-spatial | --require-spatial]
       (scripts/check-outputs.sh RUN_FOLDER sets up a pinned venv and runs this.)

Prints one line per file, `OK   path  details` or `FAIL path: reason; reason`, then a summary
line, and exits 1 if any check failed (2 on bad usage). `warn:` notes on an OK line are
findings that do not fail the check (invalid geometries, column order, loose bbox, ...).

Checks, for every file listed in manifest.json `outputs`:
- every output: the file exists inside the folder, and its byte size and sha256 match the
  manifest. A .geojson or .parquet file on disk that the manifest does not list fails (other
  unlisted files are reported as warnings); so does a stage output missing from `outputs`.
- .geojson: plain DuckDB reads the raw JSON with `read_json` (no extension needed): it is a
  FeatureCollection without a `crs` member (RFC 7946), whose `features` are all Features, and
  their number is the raw feature count (if DuckDB cannot read it, that fails, and Python's json
  module gives the raw count instead). `geopandas.read_file` reads it, its CRS is EPSG:4326,
  its row count equals the raw feature count, no geometry is null or empty, the bounds are
  longitude/latitude; the share of valid geometries (`is_valid`) is reported, invalid ones are
  a warning only. With the DuckDB `spatial` extension, `ST_Read` reads it too (row count,
  no null geometries, bounds equal to GeoPandas').
- .parquet with `geo` metadata (GeoParquet): `version` is "1.1.0", encoding WKB, a CRS is
  given (PROJJSON) and equals the working CRS of the run (manifest config
  `cases.working_crs`, EPSG:4549 for the sample city); `geopandas.read_parquet` reads it and
  its CRS equals the metadata's; the geometry types in the data are among those in the metadata;
  the metadata bbox contains the data bounds (1e-6 relative tolerance); no null or empty
  geometry. The GeoJSON of the same stem, when there is one, has the same number of rows, the
  same non-geometry columns (names; a different order is a warning) and, for a sample of
  features (--sample, 300 by default, always the first and last), the same centroids after
  reprojecting the GeoParquet to EPSG:4326 (within 1e-6 degrees) and the same attribute values
  (a difference is a warning). DuckDB's `read_parquet` counts the same rows; with `spatial`,
  `ST_GeomFromWKB(geometry)` parses every WKB value (GeoParquet conversion turned off for that
  session) and DuckDB's own GeoParquet reading gives a GEOMETRY column with the same CRS, no
  null geometries and the same bounds.
- plain .parquet (no `geo` metadata): pyarrow, pandas and DuckDB read it and agree on the row
  count with the Parquet footer.

DuckDB spatial extension, offline: DuckDB downloads extensions from extensions.duckdb.org,
which this project's machines and CI cannot reach. The PyPI package `duckdb-extension-spatial`
(from the `duckdb_extensions` project, one release per DuckDB release) ships the official,
signed `spatial.duckdb_extension` binary for one DuckDB version in
`duckdb_extension_spatial/extensions/v<duckdb version>/`; this script LOADs it from there by
path (no INSTALL, nothing written to ~/.duckdb). Its version must equal duckdb's: the venv pins
duckdb==1.5.5 with duckdb-extension-spatial==1.5.5 (DuckDB 2.0 has no such wheel yet). The
extension is looked for, in order: $CITYGRID_DUCKDB_SPATIAL (path to a .duckdb_extension
file), that package, then an already installed `spatial` (`LOAD spatial`). Autoinstall and
autoload of extensions are turned off, so nothing ever tries the network. If none loads, the
GeoJSON files are checked with `read_json` only and the GeoParquet files with `read_parquet`
only (DuckDB >= 1.5 still types the geometry column GEOMETRY without spatial), the summary says
so, and --require-spatial (used by check-outputs.sh) makes that a failure.

Only the Python standard library, geopandas (with pandas, pyogrio, pyproj), shapely, pyarrow and
duckdb are used.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import importlib.util
import json
import math
import os
import pathlib
import random
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field

import duckdb
import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import pyproj
import shapely

GEO_SUFFIXES = (".geojson", ".parquet")
CENTROID_TOL_DEG = 1e-6
BBOX_REL_TOL = 1e-6


@dataclass
class Result:
    path: str
    fails: list[str] = field(default_factory=list)
    warns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def fail(self, msg: str) -> None:
        self.fails.append(msg)

    def warn(self, msg: str) -> None:
        self.warns.append(msg)

    def note(self, msg: str) -> None:
        self.notes.append(msg)

    def line(self) -> str:
        if self.fails:
            text = f"FAIL {self.path}: " + "; ".join(self.fails)
            if self.warns:
                text += " [warn: " + "; ".join(self.warns) + "]"
            return text
        text = f"OK   {self.path}"
        details = list(self.notes)
        details.append(f"{self.seconds:.1f} s")
        text += "  (" + ", ".join(details) + ")"
        if self.warns:
            text += " [warn: " + "; ".join(self.warns) + "]"
        return text


class Guard:
    """Runs one check; an exception becomes a failure of that check instead of a crash."""

    def __init__(self, res: Result, what: str):
        self.res, self.what = res, what

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is None:
            return False
        text = str(exc).split("\nLINE ")[0]  # DuckDB appends the query with a caret
        msg = f"{type(exc).__name__}: {text}".strip().replace("\n", " ")
        if len(msg) > 400:
            msg = msg[:400] + " ..."
        self.res.fail(f"{self.what} failed: {msg}")
        if os.environ.get("CHECK_OUTPUTS_TRACEBACK"):
            traceback.print_exception(exc_type, exc, tb, file=sys.stderr)
        return True


# ---------------------------------------------------------------------------------------------
# DuckDB


@dataclass
class Duck:
    db: duckdb.DuckDBPyConnection
    spatial: bool
    how: str  # how spatial was loaded, or why not

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.db.cursor()


def sql_str(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def open_duckdb(want_spatial: bool) -> Duck:
    db = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    if not want_spatial:
        return Duck(db, False, "not loaded (--no-spatial)")
    version = duckdb.__version__
    tried: list[str] = []
    candidates: list[tuple[str, str]] = []
    env = os.environ.get("CITYGRID_DUCKDB_SPATIAL")
    if env:
        candidates.append((f"LOAD {sql_str(env)}", f"$CITYGRID_DUCKDB_SPATIAL={env}"))
    spec = importlib.util.find_spec("duckdb_extension_spatial")
    if spec is not None and spec.submodule_search_locations:
        pkg = pathlib.Path(next(iter(spec.submodule_search_locations)))
        ext = pkg / "extensions" / f"v{version}" / "spatial.duckdb_extension"
        if ext.is_file():
            candidates.append((f"LOAD {sql_str(ext)}", f"PyPI duckdb-extension-spatial ({ext})"))
        else:
            found = sorted(p.parent.name for p in pkg.glob("extensions/*/spatial.duckdb_extension"))
            tried.append(
                f"duckdb-extension-spatial has {', '.join(found) or 'no binary'}, "
                f"duckdb is v{version}"
            )
    else:
        tried.append("PyPI package duckdb-extension-spatial not installed")
    candidates.append(("LOAD spatial", "already installed extension (LOAD spatial)"))
    for stmt, how in candidates:
        try:
            db.execute(stmt)
            db.execute("SELECT ST_Point(0, 0)").fetchall()
            return Duck(db, True, how)
        except Exception as exc:  # noqa: BLE001 - report why and try the next one
            tried.append(f"{how}: {str(exc).splitlines()[0]}")
    return Duck(db, False, "not available (" + "; ".join(tried) + ")")


# ---------------------------------------------------------------------------------------------
# helpers


def sha256_of(path: pathlib.Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def check_manifest_entry(run: pathlib.Path, entry: dict, res: Result) -> pathlib.Path | None:
    rel = entry.get("path")
    if not isinstance(rel, str) or not rel:
        res.fail(f"manifest entry without a path: {entry!r}")
        return None
    path = (run / rel).resolve()
    if run.resolve() not in path.parents:
        res.fail("manifest path points outside the run folder")
        return None
    if not path.is_file():
        res.fail("listed in manifest.json but missing on disk")
        return None
    size = path.stat().st_size
    if entry.get("bytes") != size:
        res.fail(f"size {size} bytes, manifest says {entry.get('bytes')}")
    digest = sha256_of(path)
    if entry.get("sha256") != digest:
        res.fail(f"sha256 {digest}, manifest says {entry.get('sha256')}")
    return path


def is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def norm_value(value):
    """A comparable form of a cell value read from GeoJSON or from GeoParquet."""
    if is_missing(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if hasattr(value, "isoformat"):  # date, datetime, pandas Timestamp
        text = value.isoformat()
        return text[:-9] if text.endswith("T00:00:00") else text
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return norm_value(value.tolist())
    if isinstance(value, (list, tuple)):
        return [norm_value(v) for v in value]
    if isinstance(value, dict):
        return {k: norm_value(v) for k, v in value.items()}
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in "[{":
            try:  # GDAL leaves nested JSON properties as JSON text
                return norm_value(json.loads(text))
            except ValueError:
                pass
        return value
    return value


def same_value(a, b) -> bool:
    a, b = norm_value(a), norm_value(b)
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) or (math.isnan(a) and math.isnan(b))
    if isinstance(a, str) and isinstance(b, str) and a != b:
        # a timestamp may come back with a different separator or zone spelling
        try:
            return pd.Timestamp(a) == pd.Timestamp(b)
        except (ValueError, TypeError):
            return False
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    return a == b


def sample_rows(n: int, k: int) -> list[int]:
    if n <= k:
        return list(range(n))
    rows = set(random.Random(20260101).sample(range(n), k - 2))
    rows.update((0, n - 1))
    return sorted(rows)


def geom_problems(geoms: gpd.GeoSeries, res: Result, what: str) -> None:
    nulls = int(geoms.isna().sum())
    empties = int((geoms.is_empty & ~geoms.isna()).sum())
    if nulls:
        res.fail(f"{nulls} null geometries in {what}")
    if empties:
        res.fail(f"{empties} empty geometries in {what}")


def validity(geoms: gpd.GeoSeries, res: Result) -> None:
    present = geoms[~geoms.isna()]
    if len(present) == 0:
        return
    valid = present.is_valid
    bad = int((~valid).sum())
    rate = 100.0 * (len(present) - bad) / len(present)
    res.note(f"valid {rate:.2f}%")
    if bad:
        reasons = [shapely.is_valid_reason(g) for g in present[~valid].iloc[:2]]
        res.warn(f"{bad} of {len(present)} geometries not valid (e.g. {', '.join(reasons)})")


def bbox_close(a, b, tol_rel: float) -> bool:
    return all(abs(x - y) <= tol_rel * max(1.0, abs(x), abs(y)) for x, y in zip(a, b))


# ---------------------------------------------------------------------------------------------
# GeoJSON


def raw_geojson_python(path: pathlib.Path) -> dict:
    """The top level of a GeoJSON file as Python's json module sees it (fallback for DuckDB)."""
    with open(path, "rb") as fh:
        raw = json.load(fh)
    feats = raw.get("features") if isinstance(raw, dict) else None
    return {
        "type": raw.get("type") if isinstance(raw, dict) else type(raw).__name__,
        "keys": list(raw) if isinstance(raw, dict) else [],
        "count": len(feats) if isinstance(feats, list) else None,
        "feature_types": sorted(
            {f.get("type") for f in feats if isinstance(f, dict)}
            | ({"(not an object)"} if any(not isinstance(f, dict) for f in feats) else set())
        )
        if isinstance(feats, list)
        else [],
    }


def raw_geojson_duckdb(path: pathlib.Path, cur: duckdb.DuckDBPyConnection) -> dict:
    """The top level of a GeoJSON file read by plain DuckDB (`read_json`, no extension)."""
    q = (
        "SELECT json->>'type', json_keys(json), json_array_length(json->'features'), "
        "list_distinct(json_extract_string(json, '$.features[*].type')) "
        f"FROM read_json({sql_str(path)}, format='unstructured', records=false, "
        f"columns={{'json': 'JSON'}}, maximum_object_size={path.stat().st_size + 4096})"
    )
    rows = cur.execute(q).fetchall()
    if len(rows) != 1:
        raise ValueError(f"{len(rows)} top-level JSON values")
    kind, keys, count, types = rows[0]
    return {
        "type": kind,
        "keys": keys or [],
        "count": count,
        "feature_types": sorted(t or "(none)" for t in types or []),
    }


def check_geojson(path: pathlib.Path, res: Result, duck: Duck) -> gpd.GeoDataFrame | None:
    # The raw JSON: DuckDB's JSON reader (fast, and the plain-DuckDB check); Python's json
    # module if DuckDB cannot read it, so that the other checks still have a feature count.
    cur = duck.cursor()
    raw = None
    with Guard(res, "DuckDB read_json"):
        raw = raw_geojson_duckdb(path, cur)
        res.note(f"DuckDB read_json {raw['count']} features")
    if raw is None:
        with Guard(res, "raw JSON parse"):
            raw = raw_geojson_python(path)
    raw_count = None
    if raw is not None:
        if raw["type"] != "FeatureCollection":
            res.fail(f"raw JSON type is {raw['type']!r}, not FeatureCollection")
        if "crs" in raw["keys"]:
            res.fail("has a `crs` member (RFC 7946 has none)")
        if raw["count"] is None:
            res.fail("`features` is not an array")
        else:
            raw_count = raw["count"]
        if raw["count"] and raw["feature_types"] != ["Feature"]:
            res.fail(f"members of `features` have types {raw['feature_types']}")

    gdf = None
    with Guard(res, "geopandas.read_file"):
        gdf = gpd.read_file(path)
    if gdf is not None:
        res.note(f"{len(gdf)} rows")
        if gdf.crs is None:
            res.fail("GeoPandas finds no CRS")
        elif gdf.crs.to_epsg() != 4326:
            res.fail(f"GeoPandas CRS is {gdf.crs.to_string()}, not EPSG:4326")
        if raw_count is not None and len(gdf) != raw_count:
            res.fail(f"GeoPandas reads {len(gdf)} rows, the raw JSON has {raw_count} features")
        geom_problems(gdf.geometry, res, "GeoPandas")
        validity(gdf.geometry, res)
        present = gdf.geometry[~(gdf.geometry.isna() | gdf.geometry.is_empty)]
        if len(present):
            x0, y0, x1, y1 = (float(v) for v in present.total_bounds)
            if not (-180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
                res.fail(f"bounds {x0, y0, x1, y1} are not longitude/latitude")

    if duck.spatial:
        with Guard(res, "DuckDB ST_Read"):
            q = (
                "SELECT count(*), count(geom), min(ST_XMin(geom)), min(ST_YMin(geom)), "
                f"max(ST_XMax(geom)), max(ST_YMax(geom)) FROM ST_Read({sql_str(path)})"
            )
            n, n_geom, *bounds = cur.execute(q).fetchone()
            if raw_count is not None and n != raw_count:
                res.fail(f"DuckDB ST_Read reads {n} rows, the raw JSON has {raw_count} features")
            if n_geom != n:
                res.fail(f"DuckDB ST_Read: {n - n_geom} null geometries")
            if gdf is not None and n_geom and len(gdf):
                gb = [float(v) for v in gdf.geometry.total_bounds]
                if not bbox_close(bounds, gb, 1e-9):
                    res.fail(f"DuckDB ST_Read bounds {bounds} differ from GeoPandas' {gb}")
            res.note(f"DuckDB ST_Read {n} rows")
    cur.close()
    return gdf


# ---------------------------------------------------------------------------------------------
# Parquet


def check_geoparquet(
    path: pathlib.Path,
    res: Result,
    duck: Duck,
    geo: dict,
    num_rows: int,
    expected_crs: pyproj.CRS | None,
    pair: tuple[Result, gpd.GeoDataFrame | None] | None,
    sample: int,
) -> None:
    version = geo.get("version")
    if version != "1.1.0":
        res.fail(f"geo metadata version is {version!r}, not '1.1.0'")
    primary = geo.get("primary_column")
    columns = geo.get("columns") or {}
    if primary not in columns:
        res.fail(f"primary_column {primary!r} is not among the geo columns {list(columns)}")
        return
    meta = columns[primary]
    if meta.get("encoding") != "WKB":
        res.fail(f"encoding is {meta.get('encoding')!r}, not 'WKB'")
    meta_crs = None
    if "crs" not in meta:
        res.fail("no `crs` in the geo metadata (readers then assume OGC:CRS84)")
    elif meta["crs"] is None:
        res.fail("`crs` is null in the geo metadata (undefined CRS)")
    else:
        with Guard(res, "PROJJSON CRS in the geo metadata"):
            meta_crs = pyproj.CRS.from_json_dict(meta["crs"])
            if expected_crs is not None and not meta_crs.equals(expected_crs):
                res.fail(
                    f"metadata CRS is {meta_crs.to_string()}, the working CRS is {expected_crs.to_string()}"
                )
            res.note(f"CRS {meta_crs.to_string()}")
    meta_types = meta.get("geometry_types")
    meta_bbox = meta.get("bbox")
    if not isinstance(meta_types, list):
        res.fail("geometry_types missing from the geo metadata")
    if meta_bbox is not None and len(meta_bbox) not in (4, 6):
        res.fail(f"bbox {meta_bbox} has neither 4 nor 6 numbers")
    if "covering" in meta:
        names = pq.read_schema(path).names
        for col in {v[0] for v in meta["covering"].get("bbox", {}).values()}:
            if col not in names:
                res.fail(f"covering column {col!r} is missing")

    gdf = None
    with Guard(res, "geopandas.read_parquet"):
        gdf = gpd.read_parquet(path)
    if gdf is not None:
        res.note(f"{len(gdf)} rows")
        if len(gdf) != num_rows:
            res.fail(f"GeoPandas reads {len(gdf)} rows, the Parquet footer says {num_rows}")
        if gdf.geometry.name != primary:
            res.fail(
                f"GeoPandas' geometry column is {gdf.geometry.name!r}, metadata says {primary!r}"
            )
        if gdf.crs is None:
            res.fail("GeoPandas finds no CRS")
        elif meta_crs is not None and not gdf.crs.equals(meta_crs):
            res.fail(
                f"GeoPandas CRS {gdf.crs.to_string()} differs from the metadata's {meta_crs.to_string()}"
            )
        geom_problems(gdf.geometry, res, "GeoPandas")
        present = gdf.geometry[~(gdf.geometry.isna() | gdf.geometry.is_empty)]
        if isinstance(meta_types, list) and meta_types:
            data_types = set(present.geom_type.unique())
            has_z = bool(present.has_z.any()) if len(present) else False
            data_types = {t + " Z" if has_z else t for t in data_types}
            if not data_types <= set(meta_types):
                res.fail(
                    f"geometry types {sorted(data_types)} not all in the metadata's {meta_types}"
                )
            elif set(meta_types) - data_types:
                res.warn(
                    f"metadata lists geometry types {sorted(set(meta_types) - data_types)} absent from the data"
                )
        if meta_bbox is not None and len(meta_bbox) in (4, 6) and len(present):
            mb = [
                float(v)
                for v in (meta_bbox if len(meta_bbox) == 4 else meta_bbox[:2] + meta_bbox[3:5])
            ]
            db = [float(v) for v in present.total_bounds]
            tol = [BBOX_REL_TOL * max(abs(v), 1.0) for v in mb]
            contains = (
                mb[0] <= db[0] + tol[0]
                and mb[1] <= db[1] + tol[1]
                and mb[2] >= db[2] - tol[2]
                and mb[3] >= db[3] - tol[3]
            )
            if not contains:
                res.fail(f"metadata bbox {mb} does not contain the data bounds {db}")
            elif not bbox_close(mb, db, BBOX_REL_TOL):
                res.warn(f"metadata bbox {mb} is looser than the data bounds {db}")

    if pair is not None:
        compare_pair(res, gdf, pair, sample)

    cur = duck.cursor()
    src = f"read_parquet({sql_str(path)})"
    with Guard(res, "DuckDB read_parquet"):
        n = cur.execute(f"SELECT count(*) FROM {src}").fetchone()[0]
        if n != num_rows:
            res.fail(f"DuckDB read_parquet counts {n} rows, the Parquet footer says {num_rows}")
        res.note(f"DuckDB read_parquet {n} rows")
        described = {r[0]: r[1] for r in cur.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()}
        gtype = described.get(primary, "")
        if not gtype.startswith("GEOMETRY"):
            res.fail(f"DuckDB types the column {primary!r} {gtype}, not GEOMETRY")
    if duck.spatial:
        col = '"' + primary.replace('"', '""') + '"'
        with Guard(res, "DuckDB ST_GeomFromWKB"):
            raw = duck.cursor()
            raw.execute("SET SESSION enable_geoparquet_conversion = false")
            n_wkb, n_geom = raw.execute(
                f"SELECT count({col}), count(ST_GeomFromWKB({col})) FROM {src}"
            ).fetchone()
            if n_geom != n_wkb:
                res.fail(f"DuckDB ST_GeomFromWKB parses {n_geom} of {n_wkb} WKB values")
            raw.close()
        with Guard(res, "DuckDB GeoParquet reading"):
            if meta_crs is not None:
                epsg = meta_crs.to_epsg()
                if epsg is not None and f"'EPSG:{epsg}'" not in gtype:
                    res.fail(f"DuckDB spatial types the column {gtype}, without EPSG:{epsg}")
            n, n_geom, *bounds = cur.execute(
                f"SELECT count(*), count({col}), min(ST_XMin({col})), min(ST_YMin({col})), "
                f"max(ST_XMax({col})), max(ST_YMax({col})) FROM {src}"
            ).fetchone()
            if n_geom != n:
                res.fail(f"DuckDB GeoParquet reading: {n - n_geom} null geometries")
            if gdf is not None and n_geom:
                gb = [float(v) for v in gdf.geometry.total_bounds]
                if not bbox_close(bounds, gb, 1e-9):
                    res.fail(f"DuckDB GeoParquet bounds {bounds} differ from GeoPandas' {gb}")
            res.note(f"DuckDB {gtype}")
    cur.close()


def compare_pair(
    res: Result,
    gdf: gpd.GeoDataFrame | None,
    pair: tuple[Result, gpd.GeoDataFrame | None],
    sample: int,
) -> None:
    gj_res, gj = pair
    name = gj_res.path
    if gj is None or gdf is None:
        res.fail(f"cannot compare with {name}: one of them could not be read")
        return
    if len(gj) != len(gdf):
        res.fail(f"{len(gdf)} rows, {name} has {len(gj)}")
    pq_cols = [c for c in gdf.columns if c != gdf.geometry.name]
    gj_cols = [c for c in gj.columns if c != gj.geometry.name]
    if set(pq_cols) != set(gj_cols):
        only_pq = sorted(set(pq_cols) - set(gj_cols))
        only_gj = sorted(set(gj_cols) - set(pq_cols))
        res.fail(
            f"columns differ from {name}: only in GeoParquet {only_pq}, only in GeoJSON {only_gj}"
        )
    elif pq_cols != gj_cols:
        res.warn(f"column order differs from {name} (GeoJSON: {', '.join(gj_cols[:4])}, ...)")
    if len(gj) != len(gdf) or gdf.crs is None:
        return
    rows = sample_rows(len(gdf), sample)
    with Guard(res, f"comparing sampled geometries with {name}"):
        ours = gdf.geometry.iloc[rows].to_crs(4326)
        theirs = gj.geometry.iloc[rows]
        a = shapely.centroid(ours.to_numpy())
        b = shapely.centroid(theirs.to_numpy())
        bad = []
        for i, (pa, pb) in enumerate(zip(a, b, strict=True)):
            if pa is None or pb is None or pa.is_empty or pb.is_empty:
                if not ((pa is None or pa.is_empty) and (pb is None or pb.is_empty)):
                    bad.append((rows[i], "one side empty"))
                continue
            d = max(abs(pa.x - pb.x), abs(pa.y - pb.y))
            if not d <= CENTROID_TOL_DEG:
                bad.append((rows[i], f"{d:.2e} deg"))
        if bad:
            res.fail(
                f"{len(bad)} of {len(rows)} sampled centroids (reprojected to EPSG:4326) differ from "
                f"{name} by more than {CENTROID_TOL_DEG} deg, e.g. row {bad[0][0]}: {bad[0][1]}"
            )
        res.note(f"{len(rows)} sampled centroids match")
    with Guard(res, f"comparing sampled attributes with {name}"):
        diffs = []
        for col in pq_cols:
            if col not in gj.columns:
                continue
            left = gdf[col].iloc[rows].tolist()
            right = gj[col].iloc[rows].tolist()
            for r, x, y in zip(rows, left, right, strict=True):
                if not same_value(x, y):
                    diffs.append(f"{col} row {r}: {x!r} vs {y!r}")
                    break
        if diffs:
            res.warn(f"sampled values differ from {name}: " + "; ".join(d[:120] for d in diffs[:4]))


def check_plain_parquet(path: pathlib.Path, res: Result, duck: Duck, num_rows: int) -> None:
    res.note(f"{num_rows} rows")
    with Guard(res, "pyarrow.parquet.read_table"):
        n = pq.read_table(path).num_rows
        if n != num_rows:
            res.fail(f"pyarrow reads {n} rows, the footer says {num_rows}")
    with Guard(res, "pandas.read_parquet"):
        n = len(pd.read_parquet(path))
        if n != num_rows:
            res.fail(f"pandas reads {n} rows, the footer says {num_rows}")
    with Guard(res, "DuckDB read_parquet"):
        cur = duck.cursor()
        n = cur.execute(f"SELECT count(*) FROM read_parquet({sql_str(path)})").fetchone()[0]
        cur.close()
        if n != num_rows:
            res.fail(f"DuckDB reads {n} rows, the footer says {num_rows}")
        res.note(f"DuckDB {n} rows")
    schema = pq.read_schema(path)
    for name in schema.names:
        if name.lower() in ("geometry", "geom", "wkb_geometry"):
            res.warn(f"column {name!r} looks like geometry but the file has no `geo` metadata")


def parquet_info(path: pathlib.Path) -> tuple[dict | None, int]:
    md = pq.read_metadata(path)
    kv = md.metadata or {}
    geo = kv.get(b"geo")
    return (json.loads(geo) if geo is not None else None), md.num_rows


# ---------------------------------------------------------------------------------------------
# driver


def check_layer(
    run: pathlib.Path,
    entries: list[dict],
    duck: Duck,
    expected_crs: pyproj.CRS | None,
    sample: int,
) -> list[Result]:
    """Checks the files of one stem (X.geojson and X.parquet together, or a single file)."""
    results = []
    gj_pair = None
    for entry in sorted(entries, key=lambda e: not e["path"].endswith(".geojson")):
        rel = entry["path"]
        res = Result(rel)
        started = time.monotonic()
        path = check_manifest_entry(run, entry, res)
        if path is not None:
            if rel.endswith(".geojson"):
                gdf = check_geojson(path, res, duck)
                gj_pair = (res, gdf)
            elif rel.endswith(".parquet"):
                geo, num_rows = None, 0
                with Guard(res, "reading the Parquet footer"):
                    geo, num_rows = parquet_info(path)
                if not res.fails:
                    if geo is not None:
                        check_geoparquet(
                            path, res, duck, geo, num_rows, expected_crs, gj_pair, sample
                        )
                    else:
                        check_plain_parquet(path, res, duck, num_rows)
            elif rel.endswith(".json"):
                with Guard(res, "JSON parse"):
                    with open(path, "rb") as fh:
                        json.load(fh)
        res.seconds = time.monotonic() - started
        results.append(res)
    return results


def expected_working_crs(manifest: dict, override: str | None) -> pyproj.CRS | None:
    text = override
    if text is None:
        text = ((manifest.get("config") or {}).get("cases") or {}).get("working_crs")
    return pyproj.CRS.from_user_input(text) if text else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run", type=pathlib.Path, help="the run folder (holds manifest.json)")
    ap.add_argument(
        "--jobs",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="layers checked at once (default: min(2, cores))",
    )
    ap.add_argument(
        "--sample",
        type=int,
        default=300,
        help="features compared per GeoParquet/GeoJSON pair (default 300)",
    )
    ap.add_argument("--working-crs", help="expected GeoParquet CRS (default: manifest config)")
    ap.add_argument(
        "--no-spatial",
        action="store_true",
        help="do not load DuckDB spatial (overrides --require-spatial)",
    )
    ap.add_argument(
        "--require-spatial",
        action="store_true",
        help="fail if the DuckDB spatial extension cannot be loaded",
    )
    args = ap.parse_args(argv)

    started = time.monotonic()
    run: pathlib.Path = args.run
    if not run.is_dir():
        print(f"{run} is not a folder", file=sys.stderr)
        return 2
    manifest_path = run / "manifest.json"
    try:
        with open(manifest_path, "rb") as fh:
            manifest = json.load(fh)
        outputs = manifest["outputs"]
        if not isinstance(outputs, list):
            raise ValueError("`outputs` is not a list")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"FAIL manifest.json: {type(exc).__name__}: {exc}")
        return 1

    man = Result("manifest.json")
    listed: dict[str, dict] = {}
    for entry in outputs:
        rel = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(rel, str):
            man.fail(f"output entry without a path: {entry!r}")
            continue
        if rel in listed:
            man.fail(f"{rel} is listed twice")
        listed[rel] = entry
    for stage in manifest.get("stages") or []:
        for out in stage.get("outputs") or []:
            if out not in listed:
                man.fail(f"stage {stage.get('name')} output {out} is not in `outputs`")
    try:
        expected_crs = expected_working_crs(manifest, args.working_crs)
    except pyproj.exceptions.CRSError as exc:
        man.fail(f"working CRS: {exc}")
        expected_crs = None
    man.note(f"{len(listed)} outputs")
    if expected_crs is not None:
        man.note(f"working CRS {expected_crs.to_string()}")

    unlisted: list[Result] = []
    for p in sorted(run.rglob("*")):
        if not p.is_file():
            continue
        rel = p.relative_to(run).as_posix()
        if rel == "manifest.json" or rel in listed:
            continue
        r = Result(rel)
        if p.suffix in GEO_SUFFIXES:
            r.fail("on disk but not listed in manifest.json `outputs`")
        else:
            r.warn("on disk but not listed in manifest.json `outputs`")
        unlisted.append(r)

    duck = open_duckdb(not args.no_spatial)
    if not duck.spatial and args.require_spatial and not args.no_spatial:
        man.fail(f"DuckDB spatial extension {duck.how}")

    # Group X.geojson with X.parquet: the pair is checked in one task, the GeoJSON first.
    layers: dict[str, list[dict]] = {}
    for rel, entry in listed.items():
        stem = rel.rsplit(".", 1)[0] if rel.endswith(GEO_SUFFIXES) else rel
        layers.setdefault(stem, []).append(entry)
    geojson_only = [
        s
        for s, es in layers.items()
        if any(e["path"].endswith(".geojson") for e in es)
        and not any(e["path"].endswith(".parquet") for e in es)
    ]
    if geojson_only:
        man.warn(
            "GeoJSON layers without a GeoParquet twin: "
            + ", ".join(f"{s}.geojson" for s in sorted(geojson_only))
        )

    # Biggest layers first, so that two workers finish together.
    order = sorted(layers, key=lambda s: -sum(int(e.get("bytes") or 0) for e in layers[s]))
    results: dict[str, Result] = {}
    lock = threading.Lock()

    def task(stem: str) -> None:
        for r in check_layer(run, layers[stem], duck, expected_crs, args.sample):
            with lock:
                results[r.path] = r

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(task, s): s for s in order}
        for fut in concurrent.futures.as_completed(futures):
            exc = fut.exception()
            if exc is not None:  # a bug in this script, not a finding about the outputs
                for e in layers[futures[fut]]:
                    r = Result(e["path"])
                    r.fail(f"checker crashed: {type(exc).__name__}: {exc}")
                    results.setdefault(e["path"], r)

    man.seconds = time.monotonic() - started
    print(man.line())
    for rel in sorted(results):
        print(results[rel].line())
    for r in unlisted:
        print(r.line())
    everything = [man, *results.values(), *unlisted]
    n_fail = sum(1 for r in everything if r.fails)
    print(
        f"{len(everything)} checked, {len(everything) - n_fail} OK, {n_fail} FAIL "
        f"in {time.monotonic() - started:.1f} s; duckdb {duckdb.__version__}, spatial {duck.how}; "
        f"geopandas {gpd.__version__}, shapely {shapely.__version__}, pyproj {pyproj.__version__}"
    )
    return 1 if n_fail else 0


if __name__ == "__main__":
    sys.exit(main())
