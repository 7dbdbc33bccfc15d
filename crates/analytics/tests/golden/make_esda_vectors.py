"""Write golden reference vectors for local spatial statistics from PySAL.

Run through make_esda_vectors.sh (which builds the pinned virtualenv).  Every
input comes from a dataset bundled inside the libpysal wheel, so the script
works offline.  Output (all in --out):

  <name>.geojson                  geometry as libpysal reads it + fid + values
  <name>_centroids.csv            i,x,y  points used for knn4/band (polygons)
  <name>_w_{queen,rook,knn4,band}.csv   i,j  binary weights, every ordered pair
  <name>_<var>_<w>_{gistar,gi,moran}.csv  local statistics
  manifest.json                   versions, datasets, column meanings, semantics

Floats are written with Python's repr (shortest string that round-trips to
the same IEEE-754 double, at most 17 significant digits); NaN as "NaN".
Re-running gives byte-identical files (fixed seed, sorted output).
"""

import argparse
import hashlib
import importlib.metadata as md
import importlib.util
import json
import math
import os
import platform
import sys
import warnings

# libpysal warns on every cg shape it builds; esda warns that the default
# permutation alternative will change.  Both are documented in the manifest.
warnings.filterwarnings("ignore", category=FutureWarning)
warnings.filterwarnings("ignore", category=DeprecationWarning)

import numpy as np  # noqa: E402
import shapely.geometry as sg  # noqa: E402  (only to pair holes with shells)

import libpysal  # noqa: E402
from esda.getisord import G_Local  # noqa: E402
from esda.moran import Moran_Local  # noqa: E402
from libpysal import examples  # noqa: E402
from libpysal.weights import W, KNN, DistanceBand, Queen, Rook  # noqa: E402
from libpysal.weights.util import min_threshold_distance  # noqa: E402

PERMUTATIONS = 9999
SEED = 12345
K = 4

# name, libpysal example, shapefile, value columns written to the geojson,
# columns that get statistics, weights that get statistics, and where the
# values come from ("dbf" or a csv bundled with the example).
DATASETS = [
    dict(
        name="columbus",
        example="columbus",
        shp="columbus.shp",
        kind="polygon",
        values=["CRIME", "HOVAL", "INC"],
        stat_vars=["CRIME", "HOVAL"],
        stat_weights=["queen", "knn4"],
        value_source="dbf",
        note="Columbus OH neighbourhoods, 1980 (Anselin 1988). Projected, arbitrary units.",
    ),
    dict(
        name="sids2",
        example="sids2",
        shp="sids2.shp",
        kind="polygon",
        values=["SIDR79", "NWR79", "BIR79"],
        stat_vars=["SIDR79"],
        stat_weights=["queen", "knn4"],
        value_source="dbf",
        note="North Carolina counties, SIDS rates (Cressie 1993). Unprojected "
        "lon/lat degrees; knn4/band use planar Euclidean distance in degrees.",
    ),
    dict(
        name="tokyo",
        example="tokyo",
        shp="tokyomet262.shp",
        kind="polygon",
        values=["UNEMP", "OCC_TEC", "OWNH"],
        stat_vars=["UNEMP"],
        stat_weights=["queen", "knn4"],
        value_source="Tokyomortality.csv",
        note="Tokyo metropolitan area municipalities, 1990 (Nakaya et al. 2005). "
        "Japan zone 6 transverse Mercator, metres. Multi-part polygons and holes. "
        "Values joined from Tokyomortality.csv: its IDnum0 equals the dbf AreaID, "
        "which equals the shapefile row index (checked). Neighbouring polygons "
        "here mostly do NOT share exact vertices (their boundaries are offset by "
        "about 1 mm), so libpysal's exact-vertex Queen/Rook miss many adjacencies "
        "and leave islands: see pairs_intersecting_but_not_queen. The golden "
        "files keep libpysal's exact-vertex result on purpose.",
    ),
    dict(
        name="baltim",
        example="baltim",
        shp="baltim.shp",
        kind="point",
        values=["PRICE", "SQFT", "AGE"],
        stat_vars=["PRICE"],
        stat_weights=["knn4", "band"],
        value_source="dbf",
        note="Baltimore house sales 1978 (Dubin 1992). Point shapefile.",
    ),
]


# --------------------------------------------------------------------------
# formatting helpers
# --------------------------------------------------------------------------


def fmt(x):
    """repr of a float (shortest round-trip), ints as ints, NaN as NaN."""
    if isinstance(x, (bool, np.bool_)):
        return "1" if x else "0"
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return repr(x)


def write_csv(path, header, rows):
    with open(path, "w", newline="\n") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(fmt(v) for v in r) + "\n")


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# --------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------


def read_shapes(path):
    f = libpysal.io.open(path)
    shapes = f.read()
    f.close()
    return shapes


def read_values(ds, n):
    if ds["value_source"] == "dbf":
        dbf = libpysal.io.open(examples.get_path(ds["shp"].replace(".shp", ".dbf")))
        cols = {}
        for c in ds["values"]:
            cols[c] = [float(v) for v in dbf.by_col(c)]
        dbf.close()
        return cols
    # tokyo: a csv with old-Mac CR line ends; IDnum0 is the row index.
    raw = open(examples.get_path(ds["value_source"]), "rb").read().decode("ascii")
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")
    header = lines[0].split(",")
    rows = [ln.split(",") for ln in lines[1:]]
    assert len(rows) == n, (len(rows), n)
    dbf = libpysal.io.open(examples.get_path(ds["shp"].replace(".shp", ".dbf")))
    area_id = [int(v) for v in dbf.by_col("AreaID")]
    dbf.close()
    id_col = header.index("IDnum0")
    assert [int(r[id_col]) for r in rows] == list(range(n))
    assert area_id == list(range(n))
    return {c: [float(r[header.index(c)]) for r in rows] for c in ds["values"]}


# --------------------------------------------------------------------------
# geometry
# --------------------------------------------------------------------------


def ring_coords(ring):
    return [[float(p[0]), float(p[1])] for p in ring]


def polygon_geojson(shape):
    """GeoJSON geometry for a libpysal cg.Polygon.

    libpysal splits the shapefile rings into `parts` (clockwise rings) and
    `holes` (counter-clockwise rings) but does not record which part a hole
    belongs to; GeoJSON needs that, so each hole is put into the smallest
    part whose interior contains a point inside the hole.  Ring order and
    orientation are kept exactly as libpysal holds them (shapefile
    convention: shells clockwise, holes counter-clockwise).
    """
    parts = [ring_coords(p) for p in shape.parts]
    holes = [ring_coords(h) for h in shape.holes if h]
    for r in parts + holes:
        assert r[0] == r[-1] and len(r) >= 4, "ring not closed"
    polys = [[p] for p in parts]
    if holes:
        shells = [sg.Polygon(p) for p in parts]
        for h in holes:
            inside = sg.Polygon(h).representative_point()
            cands = [k for k, s in enumerate(shells) if s.contains(inside)]
            assert cands, "hole without a containing shell"
            k = min(cands, key=lambda k: shells[k].area)
            polys[k].append(h)
    if len(polys) == 1:
        return {"type": "Polygon", "coordinates": polys[0]}, len(holes)
    return {"type": "MultiPolygon", "coordinates": polys}, len(holes)


def write_geojson(path, ds, shapes, values):
    n = len(shapes)
    n_multi = n_holes = 0
    with open(path, "w", newline="\n") as f:
        f.write('{"type":"FeatureCollection","features":[\n')
        for i, s in enumerate(shapes):
            if ds["kind"] == "point":
                geom = {"type": "Point", "coordinates": [float(s[0]), float(s[1])]}
            else:
                geom, nh = polygon_geojson(s)
                n_holes += nh
                n_multi += geom["type"] == "MultiPolygon"
            props = {"fid": i}
            for c in ds["values"]:
                props[c] = values[c][i]
            feat = {"type": "Feature", "properties": props, "geometry": geom}
            line = json.dumps(feat, separators=(",", ":"), allow_nan=False)
            f.write(line + (",\n" if i < n - 1 else "\n"))
        f.write("]}\n")
    return n_multi, n_holes


# --------------------------------------------------------------------------
# weights
# --------------------------------------------------------------------------


def neighbours_of(w, n):
    """Neighbour lists keyed 0..n-1 with sorted, int entries."""
    assert sorted(w.neighbors.keys()) == list(range(n)), "unexpected ids"
    return {i: sorted(int(j) for j in w.neighbors[i]) for i in range(n)}


def write_weights(path, nb):
    rows = [(i, j) for i in sorted(nb) for j in nb[i]]
    write_csv(path, ["i", "j"], rows)
    return len(rows)


def fresh_w(nb):
    """A new binary W for every esda call: esda sets .transform on the W it
    is given, and crand zeroes the diagonal of its cached sparse matrix."""
    n = len(nb)
    return W(
        {i: list(nb[i]) for i in range(n)},
        id_order=list(range(n)),
        silence_warnings=True,
    )


def edges_per_ring(shape):
    """Edges from consecutive vertices *within* each ring (diagnostic only)."""
    out = set()
    for ring in list(shape.parts) + [h for h in shape.holes if h]:
        pts = [(float(p[0]), float(p[1])) for p in ring]
        for a, b in zip(pts[:-1], pts[1:]):
            out.add((a, b) if a <= b else (b, a))
    return out


def rook_per_ring(shapes):
    owners = {}
    for i, s in enumerate(shapes):
        for e in edges_per_ring(s):
            owners.setdefault(e, set()).add(i)
    nb = {i: set() for i in range(len(shapes))}
    for own in owners.values():
        for a in own:
            nb[a] |= own - {a}
    return {i: sorted(v) for i, v in nb.items()}


def queen_from_coords(shapes):
    owners = {}
    for i, s in enumerate(shapes):
        for ring in list(s.parts) + [h for h in s.holes if h]:
            for p in ring:
                owners.setdefault((float(p[0]), float(p[1])), set()).add(i)
    nb = {i: set() for i in range(len(shapes))}
    for own in owners.values():
        for a in own:
            nb[a] |= own - {a}
    return {i: sorted(v) for i, v in nb.items()}


def knn_ties(points, k):
    """Rows where the k-th and (k+1)-th nearest distances tie exactly, i.e.
    where the knn neighbour set is not unique."""
    d = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(-1))
    out = []
    for i in range(len(points)):
        di = np.delete(d[i], i)
        s = np.sort(di)
        if len(s) > k and s[k - 1] == s[k]:
            out.append(i)
    return out


def knn_tie_details(points, k, nb):
    """For each row whose k-th nearest distance ties with the (k+1)-th: the
    neighbours that are certain, the tied candidates, and libpysal's pick."""
    d = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(-1))
    out = []
    for i in knn_ties(points, k):
        di = d[i].copy()
        di[i] = np.inf
        dk = np.sort(di)[k - 1]
        out.append({
            "i": i,
            "kth_distance": float(dk),
            "certain": [int(j) for j in np.flatnonzero(di < dk)],
            "tied_candidates": [int(j) for j in np.flatnonzero(di == dk)],
            "libpysal_chose": nb[i],
        })
    return out


def band_rounding_diffs(points, thr, nb):
    """Pairs where 'hypot(dx, dy) <= threshold' disagrees with libpysal."""
    n = len(points)
    missing, extra = [], []
    for i in range(n):
        have = set(nb[i])
        for j in range(n):
            if i == j:
                continue
            d = math.hypot(points[i, 0] - points[j, 0], points[i, 1] - points[j, 1])
            if d <= thr and j not in have:
                missing.append([i, j])
            if d > thr and j in have:
                extra.append([i, j])
    return missing, extra


def shapely_geoms(shapes):
    out = []
    for s in shapes:
        geom, _ = polygon_geojson(s)
        out.append(sg.shape(geom))
    return out


def intersecting_not_queen(shapes, queen):
    """Pairs i<j whose geometries intersect (shapely) but that share no
    exact vertex, i.e. that a tolerance-based contiguity would add."""
    geoms = shapely_geoms(shapes)
    verts = [np.array([(float(p[0]), float(p[1])) for p in s.vertices])
             for s in shapes]
    out, gaps = [], []
    for i in range(len(geoms)):
        for j in range(i + 1, len(geoms)):
            if j not in queen[i] and geoms[i].intersects(geoms[j]):
                out.append([i, j])
                d = verts[i][:, None, :] - verts[j][None, :, :]
                gaps.append(float(np.sqrt((d ** 2).sum(-1)).min()))
    rng = [min(gaps), max(gaps)] if gaps else None
    return out, rng


def duplicate_points(points):
    seen = {}
    dups = []
    for i, p in enumerate(map(tuple, points)):
        if p in seen:
            dups.append([seen[p], i])
        else:
            seen[p] = i
    return dups


# --------------------------------------------------------------------------
# statistics
# --------------------------------------------------------------------------


def run_g(y, nb, star):
    g = G_Local(
        y,
        fresh_w(nb),
        transform="B",
        star=star,
        permutations=PERMUTATIONS,
        seed=SEED,
        n_jobs=1,
        keep_simulations=True,
    )
    return g


def run_moran(y, nb):
    m = Moran_Local(
        y,
        fresh_w(nb),
        transformation="r",
        permutations=PERMUTATIONS,
        seed=SEED,
        n_jobs=1,
        keep_simulations=True,
    )
    return m


G_COLUMNS = [("G", "Gs"), ("z", "Zs"), ("p_norm", "p_norm"), ("p_sim", "p_sim")]
MORAN_COLUMNS = [
    ("I", "Is"),
    ("q", "q"),
    ("p_sim", "p_sim"),
    ("EI_sim", "EI_sim"),
    ("z_sim", "z_sim"),
]
# Analytic moments Moran_Local exposes in this esda version (checked at run
# time; only the ones that exist are written).
MORAN_EXTRA = [("EI", "EI"), ("VI", "VI"), ("EIc", "EIc"), ("VIc", "VIc")]


def as_vec(x, n):
    a = np.asarray(x, dtype=float).reshape(-1)
    assert a.shape == (n,), a.shape
    return a


def write_stat(path, obj, columns, n):
    cols = [as_vec(getattr(obj, attr), n) for _, attr in columns]
    rows = []
    for i in range(n):
        r = [i]
        for (name, _), c in zip(columns, cols):
            r.append(int(c[i]) if name == "q" else c[i])
        rows.append(r)
    write_csv(path, ["i"] + [c for c, _ in columns], rows)


TIE_RTOL = 1e-9


def directed_p(ge, perms):
    return (min(ge, perms - ge) + 1.0) / (perms + 1.0)


def tie_bounds(observed, sims, perms):
    """Per site: how many simulated values are within TIE_RTOL (relative to
    max(|observed|, |sim|), or exactly equal) of the observed value, and the
    range p_sim can take if each of those ties is decided either way.  Such
    ties are common (a draw that repeats the real neighbour set, or repeated
    values in y) and are decided by last-bit rounding in esda."""
    observed = np.asarray(observed, dtype=float)
    sims = np.asarray(sims, dtype=float)
    assert sims.shape == (len(observed), perms), sims.shape
    out = []
    for i, obs in enumerate(observed):
        s = sims[i]
        scale = np.maximum(np.abs(s), abs(obs))
        tied = np.abs(s - obs) <= TIE_RTOL * scale
        above = int(((s > obs) & ~tied).sum())
        nt = int(tied.sum())
        a, b = above, above + nt
        cands = {a, b}
        for c in (perms // 2, (perms + 1) // 2):
            cands.add(min(max(c, a), b))
        ps = [directed_p(c, perms) for c in cands]
        out.append((nt, min(ps), max(ps)))
    return out


# --------------------------------------------------------------------------
# semantics read from the installed esda (recorded in the manifest)
# --------------------------------------------------------------------------


def esda_semantics():
    from esda import crand, getisord, moran, significance

    # Read the module files themselves (numba-less jit wrappers hide the
    # source of decorated functions from inspect).
    def text(mod):
        with open(mod.__file__) as f:
            return f.read()

    src_crand = text(crand)
    src_sig = text(significance)
    src_g = text(getisord)
    src_ml = text(moran)
    # Fail loudly if a future version changes what is documented below.
    assert "alternative = 'directed'" in src_crand
    assert "p_sims = np.zeros((chunk_n,), dtype=np.float32)" in src_crand
    assert "np.random.choice(n - 1, size=max_card, replace=False)" in src_crand
    assert "larger = (reference_distribution >= test_stat).sum(axis=1)" in src_sig
    assert "larger[low_extreme] = p_permutations - larger[low_extreme]" in src_sig
    assert "self.p_norm = stats.norm.sf(np.abs(self.Zs))" in src_g
    assert "weights = fill_diagonal(weights, 1)" in src_g
    assert "statistic = (W @ y) / (y.sum() - y * remove_self)" in src_g
    assert "sy = y.std()" in src_ml
    assert "If False use PySAL Scheme: HH=1, LH=2, LL=3, HL=4" in src_ml
    assert "self.p_sim = (larger + 1.0) / (permutations + 1.0)" in src_ml
    return {
        "p_norm": "G_Local.p_norm = scipy.stats.norm.sf(|Zs|): ONE-sided upper-tail "
        "probability of |z| (two-sided p would be 2*p_norm).",
        "p_sim": "Both G_Local and Moran_Local use the 'directed' (data-chosen tail) "
        "rule, which is esda 2.9's default because neither class passes an "
        "`alternative` to crand: larger = #{sim >= observed}; if "
        "(permutations - larger) < larger then larger = permutations - larger "
        "(= #{sim < observed}); p_sim = (larger + 1) / (permutations + 1). "
        "So p_sim = (min(#{sim >= obs}, #{sim < obs}) + 1) / 10000; minimum 1e-4, "
        "maximum 0.5. It is neither the plain one-sided 'greater' p nor the "
        "folded/two-sided one.",
        "p_sim_precision": "G_Local.p_sim comes straight from esda.crand.compute_chunk, "
        "which stores p-values in a float32 array: the CSV value is that float32 "
        "widened to double (e.g. 1e-4 appears as 9.999999747378752e-05). "
        "f32((larger+1)/(permutations+1)) reproduces it exactly. Moran_Local "
        "recomputes p_sim in float64 from the kept simulations, so its p_sim is "
        "exactly (larger+1)/10000 in double.",
        "gi_star_self_weight": "G_Local(star=True, transform='B') on a W without a "
        "diagonal calls libpysal fill_diagonal(w, 1): self weight w_ii = 1, then 'B' "
        "sets every nonzero weight to 1. Gi* = sum_j w_ij y_j (including j = i) / "
        "sum_j y_j; EGs = (k_i + 1) / n. star=False: Gi = sum_{j != i} w_ij y_j / "
        "(sum_j y_j - y_i); EGs = k_i / (n - 1).",
        "g_moments": "G_Local analytic moments (both variants, with N = n for Gi*, "
        "n - 1 for Gi, sums over j != i for Gi): ybar = sum y / N, s2 = sum y^2 / N "
        "- ybar^2 (population), W_i = row sum incl. self weight for Gi*, "
        "EGs = W_i / N, VGs = W_i (N - W_i) / (N - 1) / N^2 * s2 / ybar^2, "
        "Zs = (Gs - EGs) / sqrt(VGs).",
        "moran_standardisation": "Moran_Local: z = (y - mean(y)) / y.std() with "
        "numpy's default ddof=0 (POPULATION sd); Is_i = (n - 1) * z_i * "
        "sum_j w_ij z_j / sum_k z_k^2 with w row-standardised, which equals "
        "((n-1)/n) * z_i * lag_i.",
        "moran_quadrants": "q (geoda_quads=False, the default): 1 = HH, 2 = LH, "
        "3 = LL, 4 = HL, where the first letter is z_i > 0 (strict) and the second "
        "lag_i > 0 (strict); z_i == 0 or lag_i == 0 count as L.",
        "moran_sim": "EI_sim = mean of the 9999 simulated I_i; seI_sim = their "
        "population sd (ddof=0); z_sim = (Is - EI_sim) / seI_sim.",
        "moran_analytic": "EI = -W_i / (n-1) and VI (total randomisation, Sokal "
        "1998 A3/A4) and EIc, VIc (conditional randomisation, Sokal 1998 A7/A8) "
        "exist as attributes and are written as extra columns; esda 2.9 exposes "
        "no analytic z or p for Moran_Local.",
        "permutation_scheme": "Conditional randomisation (esda.crand): with no numba "
        "installed, vec_permutations does np.random.seed(seed) (legacy "
        "RandomState/MT19937) and then, 9999 times, np.random.choice(n-1, "
        "size=max_card, replace=False), where max_card is the largest neighbour "
        "count excluding self. The SAME 9999 rows of ids are used for every site "
        "i: ids index y (or z) with site i removed, and the first k_i ids of a row "
        "are i's simulated neighbours. Numba, if installed, would draw a different "
        "stream; it is absent from the venv (checked).",
        "islands": "Sites with no neighbours (island_weight=0, the default): "
        "Gi* keeps its self weight, so Gs = y_i / sum(y) and Zs, p_norm are finite, "
        "but crand builds the island's simulation weights as [0, island_weight] "
        "(self weight dropped), every simulated value is 0 < Gs and p_sim = 1e-4 "
        "(float32). Gi: Gs = 0, VGs = 0, so Zs and p_norm are NaN; all simulated "
        "values are 0 = Gs, larger = 9999 folds to 0, p_sim = 1e-4. Moran_Local: "
        "lag 0, Is = +/-0.0, q = 3 or 4 by the sign of z_i, EI_sim = 0, "
        "z_sim = NaN (0/0), EI = -0.0, VI = 0, EIc = -0.0, VIc = 0, p_sim = 1e-4. "
        "These p_sim = 1e-4 values are artefacts, not evidence of clustering.",
    }


def libpysal_contiguity_notes():
    from libpysal.weights import _contW_lists

    with open(_contW_lists.__file__) as f:
        src = f.read()
    assert "items[vertex].add(offsets[i])" in src
    assert "tuple(sorted([verts[v], verts[v + 1]]))" in src
    return {
        "queen": "libpysal.weights.Queen -> contiguity._build -> "
        "_contW_lists.ContiguityWeightsLists(wttype=QUEEN).jcontiguity: every "
        "vertex of every ring (_get_verts -> cg.Polygon.vertices = all parts "
        "then all holes) is put in a dict keyed by the exact coordinate pair "
        "(cg.Point hashes/compares its (x, y) tuple); polygons sharing any key "
        "are neighbours. Exact float equality, no tolerance, no "
        "vertex-on-edge test.",
        "rook": "Same function with wttype=ROOK: the key is the unordered pair "
        "tuple(sorted([verts[v], verts[v+1]])) of consecutive entries of the "
        "flattened vertex list; polygons sharing an identical key are "
        "neighbours. So Rook = shared edge with identical end vertices (a "
        "T-junction or partially overlapping edge does not count). Because the "
        "list is flattened over rings, one pseudo-edge joins the last vertex of "
        "a ring to the first of the next ring; see rook_equals_per_ring_edges "
        "in each dataset for whether that changed anything here.",
    }


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    out = args.out
    os.makedirs(out, exist_ok=True)

    assert importlib.util.find_spec("numba") is None, (
        "numba is installed: the permutation stream would differ"
    )

    manifest = {
        "generator": "crates/analytics/tests/golden/make_esda_vectors.sh",
        "versions": {
            "python": platform.python_version(),
            "python_implementation": platform.python_implementation(),
            "esda": md.version("esda"),
            "libpysal": md.version("libpysal"),
            "numpy": np.__version__,
            "scipy": md.version("scipy"),
            "pandas": md.version("pandas"),
            "shapely": md.version("shapely"),
            "numba": None,
            "venv_distributions": {
                d.metadata["Name"]: d.version
                for d in sorted(md.distributions(),
                                key=lambda d: d.metadata["Name"].lower())
            },
        },
        "parameters": {
            "permutations": PERMUTATIONS,
            "seed": SEED,
            "knn_k": K,
            "G_Local": "esda.G_Local(y, w, transform='B', star=True|False, "
            f"permutations={PERMUTATIONS}, seed={SEED}, n_jobs=1)",
            "Moran_Local": "esda.Moran_Local(y, w, transformation='r', "
            f"permutations={PERMUTATIONS}, seed={SEED}, n_jobs=1)",
            "w_passed": "binary libpysal W built from the *_w_<kind>.csv pairs, "
            "id_order 0..n-1, a fresh object per call",
        },
        "number_format": "repr of IEEE-754 double (shortest round-trip, <= 17 "
        "significant digits); NaN written as NaN",
        "csv_columns": {
            "w": {"i": "row (fid)", "j": "neighbour fid; every ordered pair, "
                  "sorted by i then j; binary weight 1"},
            "centroids": {"i": "fid", "x": "cg.Polygon.centroid[0]",
                          "y": "cg.Polygon.centroid[1]"},
            "gistar": {"i": "fid", "G": "G_Local(star=True).Gs",
                       "z": "G_Local(star=True).Zs",
                       "p_norm": "G_Local(star=True).p_norm",
                       "p_sim": "G_Local(star=True).p_sim"},
            "gi": {"i": "fid", "G": "G_Local(star=False).Gs",
                   "z": "G_Local(star=False).Zs",
                   "p_norm": "G_Local(star=False).p_norm",
                   "p_sim": "G_Local(star=False).p_sim"},
            "moran": {"i": "fid"},
            "psim_ties": {
                "i": "fid",
                "<stat>_tied": "number of the 9999 simulated values (esda's kept "
                "simulations: G_Local.rGs / Moran_Local.rlisas) equal to the "
                f"observed statistic within relative tolerance {TIE_RTOL}",
                "<stat>_p_lo": "smallest directed p_sim obtainable by deciding "
                "each tie either way (float64, not float32-rounded)",
                "<stat>_p_hi": "largest such p_sim; esda's own p_sim lies in "
                "[p_lo, p_hi] (up to float32 rounding for G). <stat> is gistar, "
                "gi or moran. Not an esda output: a diagnostic computed by the "
                "generator so that tests can accept any tie decision.",
            },
        },
        "esda_semantics": esda_semantics(),
        "libpysal_contiguity": libpysal_contiguity_notes(),
        "datasets": {},
        "files": {},
    }
    # moran columns (extra analytic ones only if this esda has them)
    probe = Moran_Local(np.arange(5.0), fresh_w({0: [1], 1: [0, 2], 2: [1, 3],
                                                  3: [2, 4], 4: [3]}),
                        permutations=0)
    moran_cols = MORAN_COLUMNS + [c for c in MORAN_EXTRA if hasattr(probe, c[1])]
    for name, attr in moran_cols:
        manifest["csv_columns"]["moran"][name] = f"Moran_Local.{attr}"
    manifest["moran_extra_columns_present"] = [c for c, _ in moran_cols
                                               if (c, c) in MORAN_EXTRA]

    for ds in DATASETS:
        name = ds["name"]
        shp = examples.get_path(ds["shp"])
        shapes = read_shapes(shp)
        n = len(shapes)
        values = read_values(ds, n)
        info = {
            "libpysal_example": ds["example"],
            "source_file": ds["shp"],
            "description": ds["note"],
            "geometry": ds["kind"],
            "n_features": n,
            "value_columns": ds["values"],
            "value_source": ds["value_source"],
            "statistics_for": {"variables": ds["stat_vars"],
                               "weights": ds["stat_weights"]},
        }

        n_multi, n_holes = write_geojson(os.path.join(out, f"{name}.geojson"),
                                         ds, shapes, values)
        if ds["kind"] == "polygon":
            info["n_multipolygons"] = n_multi
            info["n_holes"] = n_holes
            info["geojson_rings"] = ("ring order and orientation as libpysal holds "
                                     "them: shells clockwise (shapefile convention), "
                                     "holes counter-clockwise; first vertex repeated "
                                     "at the end")

        # points for knn / band
        if ds["kind"] == "point":
            pts = np.array([[float(s[0]), float(s[1])] for s in shapes])
            info["knn_points"] = "the points themselves"
        else:
            pts = np.array([[float(c) for c in s.centroid] for s in shapes])
            info["knn_points"] = (
                "libpysal cg.Polygon.centroid (what libpysal.weights.util."
                "get_points_array uses for KNN.from_shapefile): area-weighted mean "
                "of the shoelace centroids of every part ring, holes entering with "
                "negative area; written to "
                f"{name}_centroids.csv")
            write_csv(os.path.join(out, f"{name}_centroids.csv"), ["i", "x", "y"],
                      [(i, pts[i, 0], pts[i, 1]) for i in range(n)])
        info["duplicate_points"] = duplicate_points(pts)

        weights = {}
        if ds["kind"] == "polygon":
            q = Queen.from_shapefile(shp)
            r = Rook.from_shapefile(shp)
            weights["queen"] = neighbours_of(q, n)
            weights["rook"] = neighbours_of(r, n)
            # cross-checks: same result from the in-memory shapes
            assert neighbours_of(Queen.from_iterable(shapes), n) == weights["queen"]
            assert neighbours_of(Rook.from_iterable(shapes), n) == weights["rook"]
            info["queen_equals_shared_exact_vertex"] = (
                queen_from_coords(shapes) == weights["queen"])
            info["rook_equals_per_ring_edges"] = rook_per_ring(shapes) == weights["rook"]
            missed, gap = intersecting_not_queen(shapes, weights["queen"])
            info["pairs_intersecting_but_not_queen"] = missed
            info["closest_vertex_distance_range_of_those_pairs"] = gap
        knn = KNN.from_array(pts, k=K)
        weights["knn4"] = neighbours_of(knn, n)
        info["knn4_ties_at_kth_neighbour"] = knn_tie_details(pts, K, weights["knn4"])
        thr = float(min_threshold_distance(pts))
        band = DistanceBand(pts, threshold=thr, binary=True, silence_warnings=True)
        weights["band"] = neighbours_of(band, n)
        info["band_threshold"] = thr
        miss, extra = band_rounding_diffs(pts, thr, weights["band"])
        info["band_pairs_with_hypot_le_threshold_but_not_in_w"] = miss
        info["band_pairs_in_w_with_hypot_gt_threshold"] = extra
        info["band_threshold_repr"] = repr(thr)
        info["band_rule"] = ("libpysal.weights.DistanceBand(points, threshold, "
                             "binary=True): j is a neighbour of i iff 0 < d_ij <= "
                             "threshold (scipy cKDTree.sparse_distance_matrix); "
                             "threshold = libpysal.weights.min_threshold_distance"
                             "(points) = max_i (distance to i's nearest neighbour, "
                             "from cKDTree.query). cKDTree compares squared "
                             "distances with threshold**2 in floating point, so a "
                             "pair whose distance IS the threshold can be dropped "
                             "(threshold**2 rounds below d**2): see "
                             "band_pairs_with_hypot_le_threshold_but_not_in_w")

        info["weights"] = {}
        for kind, nb in weights.items():
            fn = f"{name}_w_{kind}.csv"
            npairs = write_weights(os.path.join(out, fn), nb)
            card = [len(nb[i]) for i in range(n)]
            info["weights"][kind] = {
                "file": fn,
                "pairs": npairs,
                "symmetric": all(i in nb[j] for i in nb for j in nb[i]),
                "islands": [i for i in range(n) if not nb[i]],
                "min_neighbours": min(card),
                "max_neighbours": max(card),
            }

        info["statistics"] = []
        for var in ds["stat_vars"]:
            y = np.asarray(values[var], dtype=float)
            for kind in ds["stat_weights"]:
                nb = weights[kind]
                base = f"{name}_{var}_{kind}"
                gs = run_g(y, nb, star=True)
                assert bool(gs.star) and all(
                    gs.w.weights[i][gs.w.neighbors[i].index(i)] == 1.0
                    for i in range(n)), "expected unit self weight"
                write_stat(os.path.join(out, base + "_gistar.csv"), gs, G_COLUMNS, n)
                g = run_g(y, nb, star=False)
                assert not bool(g.star)
                write_stat(os.path.join(out, base + "_gi.csv"), g, G_COLUMNS, n)
                m = run_moran(y, nb)
                write_stat(os.path.join(out, base + "_moran.csv"), m, moran_cols, n)
                tb = [tie_bounds(gs.Gs, gs.rGs, PERMUTATIONS),
                      tie_bounds(g.Gs, g.rGs, PERMUTATIONS),
                      tie_bounds(m.Is, m.rlisas, PERMUTATIONS)]
                hdr = ["i"]
                for st in ("gistar", "gi", "moran"):
                    hdr += [f"{st}_tied", f"{st}_p_lo", f"{st}_p_hi"]
                rows = [[i] + [v for t in tb for v in t[i]] for i in range(n)]
                write_csv(os.path.join(out, base + "_psim_ties.csv"), hdr, rows)
                info["statistics"].append({
                    "variable": var,
                    "weights": kind,
                    "files": [base + "_gistar.csv", base + "_gi.csv",
                              base + "_moran.csv", base + "_psim_ties.csv"],
                    "sites_with_tied_simulations": {
                        st: sum(1 for t in tb[k] if t[0] > 0)
                        for k, st in enumerate(("gistar", "gi", "moran"))},
                })
        manifest["datasets"][name] = info

    for fn in sorted(os.listdir(out)):
        if fn == "manifest.json":
            continue
        p = os.path.join(out, fn)
        manifest["files"][fn] = {"bytes": os.path.getsize(p), "sha256": sha256(p)}

    with open(os.path.join(out, "manifest.json"), "w", newline="\n") as f:
        json.dump(manifest, f, indent=2, allow_nan=False)
        f.write("\n")
    total = sum(v["bytes"] for v in manifest["files"].values())
    print(f"wrote {len(manifest['files']) + 1} files, {total} bytes, to {out}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
