"""PySAL's way to do what `citygrid hotspots --weights queen` does on a lattice, for side-by-side
timing: libpysal `lat2W(ROWS, COLS, rook=False)` queen weights, then esda's local Getis-Ord Gi*
(`G_Local(y, w, transform="B", star=True)`), analytic or with conditional permutations.

The values come from the lattice GeoParquet written by make_lattice.py (row-major, lat2W's
order), so both sides analyse the same neighbourhoods. Writes id, z (esda's Zs) and, with
permutations, p_sim (esda's directed pseudo p-value) for the agreement check.

Times, with time.perf_counter (reading the file and writing the result are left out):
  weights: lat2W plus its sparse matrix, once;
  G_Local: best of --repeat runs; a permutation run is not repeated once the runs so far took
  over a minute. esda's numba kernels (when numba is installed) are compiled first on a 10 x 10
  lattice and that compile time is reported apart. keep_simulations=False: the n x permutations
  array of simulated G (8 GB at 1M cells) is not kept, as citygrid keeps none.

Usage: hotspots_peer.py LATTICE.parquet ROWS COLS OUT.parquet
           [--permutations P] [--n-jobs J] [--seed S] [--repeat R]
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
args = ap.parse_args()

table = pq.read_table(args.lattice, columns=["id", "value"])
assert np.array_equal(table["id"].to_numpy(), np.arange(args.rows * args.cols)), "not in lat2W order"
y = table["value"].to_numpy().astype(np.float64)
numba = importlib.util.find_spec("numba") is not None


def g_local(y, w):
    return G_Local(y, w, transform="B", star=True, permutations=args.permutations,
                   keep_simulations=False, n_jobs=args.n_jobs, seed=args.seed)


if numba and args.permutations:
    t0 = time.perf_counter()
    G_Local(np.arange(100.0), lat2W(10, 10, rook=False), transform="B", star=True,
            permutations=9, keep_simulations=False, n_jobs=1, seed=1)
    print(f"numba compile (10 x 10 warm-up, n_jobs=1): {time.perf_counter() - t0:.2f} s")

t0 = time.perf_counter()
w = lat2W(args.rows, args.cols, rook=False)
w.sparse  # noqa: B018 -- built once and cached by W; G_Local would build it on its first call
weights_s = time.perf_counter() - t0

times = []
for _ in range(args.repeat):
    t0 = time.perf_counter()
    lg = g_local(y, w)
    times.append(time.perf_counter() - t0)
    if args.permutations and sum(times) > 60:
        break

what = "analytic" if not args.permutations else f"{args.permutations} permutations, n_jobs={args.n_jobs}"
print(f"esda ({'with' if numba else 'without'} numba) n={len(y)}: weights {weights_s:.2f} s; "
      f"G_Local {what}: best {min(times):.2f} s of {len(times)} ({', '.join(f'{t:.2f}' for t in times)})")
cols = {"id": table["id"], "z": pa.array(lg.Zs)}
if args.permutations:
    cols["p_sim"] = pa.array(lg.p_sim)
pq.write_table(pa.table(cols), args.out)
