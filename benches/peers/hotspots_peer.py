"""PySAL's way to do what `citygrid hotspots --weights queen` does on a lattice, for side-by-side
timing: libpysal `lat2W(ROWS, COLS, rook=False)` queen weights, then esda's local Getis-Ord Gi*
(`G_Local(y, w, transform="B", star=True)`), analytic or with conditional permutations.

The values come from the lattice GeoParquet written by make_lattice.py (row-major, lat2W's
order), so both sides analyse the same neighbourhoods. Writes id, z (esda's Zs) and, with
permutations, p_sim (esda's directed pseudo p-value) for the agreement check.

Times, with time.perf_counter (reading the file and writing the result are left out):
  weights: lat2W plus its sparse matrix, once;
  G_Local: best of --repeat runs; a permutation run is not repeated once the runs so far took
  over a minute. esda's numba kernels (when numba is installed) are compiled first by a run on a
  10 x 10 lattice with the same n_jobs (so in the reused joblib workers too) and that compile
  time is reported apart. keep_simulations=False: the n x permutations array of simulated G
  (8 GB at 1M cells) is not kept, as citygrid keeps none.

--estimate K does not run the permutations: it times esda's own permutation kernel
(esda.crand.compute_chunk, serial) on the first K cells and the drawing of the permuted ids, and
extrapolates to all n cells. Each cell's step copies the n-long value array without that cell,
so the whole test grows as n squared; this is for sizes where the full run would take too long.

Usage: hotspots_peer.py LATTICE.parquet ROWS COLS OUT.parquet
           [--permutations P] [--n-jobs J] [--seed S] [--repeat R] [--estimate K]
"""

import argparse
import importlib.util
import time
import warnings

warnings.filterwarnings("ignore", category=FutureWarning)
warnings.filterwarnings("ignore", category=DeprecationWarning)

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from esda.getisord import G_Local  # noqa: E402
from libpysal.weights import lat2W  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("lattice")
ap.add_argument("rows", type=int)
ap.add_argument("cols", type=int)
ap.add_argument("out")
ap.add_argument("--permutations", type=int, default=0)
ap.add_argument("--n-jobs", type=int, default=1)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--repeat", type=int, default=3)
ap.add_argument("--estimate", type=int, default=0, metavar="K")
args = ap.parse_args()

table = pq.read_table(args.lattice, columns=["id", "value"])
assert np.array_equal(table["id"].to_numpy(), np.arange(args.rows * args.cols)), "not in lat2W order"
y = table["value"].to_numpy().astype(np.float64)
n = len(y)
numba = "with" if importlib.util.find_spec("numba") is not None else "without"


def g_local(y, w, permutations, n_jobs):
    return G_Local(y, w, transform="B", star=True, permutations=permutations,
                   keep_simulations=False, n_jobs=n_jobs, seed=args.seed)


if numba == "with" and args.permutations:
    t0 = time.perf_counter()
    g_local(np.arange(100.0), lat2W(10, 10, rook=False), 9, 1 if args.estimate else args.n_jobs)
    print(f"numba compile (10 x 10 warm-up): {time.perf_counter() - t0:.2f} s")

t0 = time.perf_counter()
w = lat2W(args.rows, args.cols, rook=False)
w.sparse  # noqa: B018 -- built once and cached by W; G_Local would build it on its first call
weights_s = time.perf_counter() - t0
head = f"esda ({numba} numba) n={n}: weights {weights_s:.2f} s;"

if args.estimate:
    from esda import crand
    from esda.getisord import _g_local_star_crand, _infer_star_and_structure_w

    t0 = time.perf_counter()
    g_local(y, w, 0, 1)
    analytic_s = time.perf_counter() - t0
    # What G_Local and crand do before the per-cell loop: the Gi* self weight, then the weights
    # without it, the cardinalities and the permuted ids.
    wb, _ = _infer_star_and_structure_w(w, True, "B")
    wb.transform = "B"
    a = wb.sparse.tocsr(copy=True)
    self_weights = a.diagonal()
    a.setdiag(0)
    a.eliminate_zeros()
    other = a.data.astype(y.dtype)
    card = np.asarray((a != 0).sum(1)).ravel()
    t0 = time.perf_counter()
    ids = crand.vec_permutations(card.max(), n, args.permutations, args.seed)
    ids_s = time.perf_counter() - t0
    observed = g_local(y, w, 0, 1).Gs

    def cells(k):
        t0 = time.perf_counter()
        crand.compute_chunk(0, y[:k], y, observed[:k], card[:k], self_weights[:k],
                            other[: card[:k].sum()], ids, y.sum(), False, _g_local_star_crand,
                            0.0, "directed")
        return time.perf_counter() - t0

    cells(10)  # numba compiles here, when installed
    k = min(args.estimate, n)
    per_cell = min(cells(k) for _ in range(2)) / k
    total = analytic_s + ids_s + per_cell * n
    print(f"{head} G_Local {args.permutations} permutations, n_jobs=1, NOT RUN: estimated "
          f"{total:.0f} s = analytic part {analytic_s:.2f} s + permuted ids {ids_s:.2f} s + "
          f"{per_cell * 1e3:.3f} ms per cell (best of 2 over the first {k} cells) x {n}")
    raise SystemExit(0)

times = []
for _ in range(args.repeat):
    t0 = time.perf_counter()
    lg = g_local(y, w, args.permutations, args.n_jobs)
    times.append(time.perf_counter() - t0)
    if args.permutations and sum(times) > 60:
        break

what = "analytic" if not args.permutations else f"{args.permutations} permutations, n_jobs={args.n_jobs}"
print(f"{head} G_Local {what}: best {min(times):.2f} s of {len(times)} "
      f"({', '.join(f'{t:.2f}' for t in times)})")
cols = {"id": table["id"], "z": pa.array(lg.Zs)}
if args.permutations:
    cols["p_sim"] = pa.array(lg.p_sim)
pq.write_table(pa.table(cols), args.out)
