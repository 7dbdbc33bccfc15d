"""Nixtla statsforecast's way to do what `citygrid forecast --series S --freq day --horizon H
--season M --models LIST --level 80,95` does, for side-by-side timing: read the long table
(unique_id, ds, y) written by make_series.py with pyarrow into pandas, then
`StatsForecast(models=[...], freq="D", n_jobs=J).forecast(df=df, h=H, level=[80, 95])`.

Models as citygrid names them, with statsforecast's classes and the same settings:
Naive, SeasonalNaive(M), HistoricAverage, WindowAverage(7), SESOpt
(SimpleExponentialSmoothingOptimized), CrostonClassic, CrostonSBA, TSB(0.2, 0.2), ADIDA,
IMAPA, AutoETS (AutoETS(model="AZZ", season_length=M)).

Intervals: statsforecast 2.1.1 has its own for Naive, SeasonalNaive, HistoricAverage and
AutoETS. It refuses `level` for the others ("You must pass `prediction_intervals`"), so they get
`ConformalIntervals(h=H, n_windows=W, method="conformal_error")`, citygrid's conformal method,
with W = --windows (default 3: run_forecast.sh gives citygrid the same --conformal-windows, and
citygrid used max(--windows, 2) = 3 before it had that flag). citygrid has its own
intervals for SESOpt, where statsforecast's are conformal: SESOpt's bounds differ between the
two sides on purpose, its means do not.

Times, with time.perf_counter: reading the file into pandas, and the library call alone
(StatsForecast(...) and .forecast(...), including its worker processes for n_jobs > 1).
Peak memory: /usr/bin/time gives the largest single process; with n_jobs > 1 the line printed
here adds the largest worker's peak (getrusage of the finished children), since statsforecast's
worker processes each hold a share of the series besides the parent's whole frame.
Writes statsforecast's wide frame (unique_id, ds, one column per model and bound) as Parquet.

Usage: forecast_peer.py SERIES.parquet OUT.parquet --models LIST [--n-jobs J] [--horizon H]
           [--season M] [--windows W] [--no-level]
"""

import argparse
import os
import resource
import time
import warnings

warnings.filterwarnings("ignore", category=FutureWarning)
warnings.filterwarnings("ignore", category=DeprecationWarning)
os.environ.setdefault("NIXTLA_ID_AS_COL", "1")

import pyarrow.parquet as pq  # noqa: E402
from statsforecast import StatsForecast  # noqa: E402
from statsforecast.models import (  # noqa: E402
    ADIDA,
    IMAPA,
    TSB,
    AutoETS,
    CrostonClassic,
    CrostonSBA,
    HistoricAverage,
    Naive,
    SeasonalNaive,
    SimpleExponentialSmoothingOptimized,
    WindowAverage,
)
from statsforecast.utils import ConformalIntervals  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("series")
ap.add_argument("out")
ap.add_argument("--models", required=True)
ap.add_argument("--n-jobs", type=int, default=2)
ap.add_argument("--horizon", type=int, default=14)
ap.add_argument("--season", type=int, default=7)
ap.add_argument("--windows", type=int, default=3)
ap.add_argument("--no-level", action="store_true", help="means only (no intervals on either kind)")
args = ap.parse_args()
h, m = args.horizon, args.season
conformal = ConformalIntervals(h=h, n_windows=args.windows, method="conformal_error")
make = {
    "Naive": lambda: Naive(),
    "SeasonalNaive": lambda: SeasonalNaive(season_length=m),
    "HistoricAverage": lambda: HistoricAverage(),
    "WindowAverage": lambda: WindowAverage(window_size=7, prediction_intervals=conformal),
    "SESOpt": lambda: SimpleExponentialSmoothingOptimized(prediction_intervals=conformal),
    "CrostonClassic": lambda: CrostonClassic(prediction_intervals=conformal),
    "CrostonSBA": lambda: CrostonSBA(prediction_intervals=conformal),
    "TSB": lambda: TSB(alpha_d=0.2, alpha_p=0.2, prediction_intervals=conformal),
    "ADIDA": lambda: ADIDA(prediction_intervals=conformal),
    "IMAPA": lambda: IMAPA(prediction_intervals=conformal),
    "AutoETS": lambda: AutoETS(model="AZZ", season_length=m),
}
names = [s.strip() for s in args.models.split(",") if s.strip()]
unknown = [s for s in names if s not in make]
if unknown:
    ap.error(f"unknown models {unknown}; known: {', '.join(make)}")
models = [make[s]() for s in names]

t0 = time.perf_counter()
df = pq.read_table(args.series, columns=["unique_id", "ds", "y"]).to_pandas(date_as_object=False)
read_s = time.perf_counter() - t0
n_series = df["unique_id"].nunique()

t0 = time.perf_counter()
sf = StatsForecast(models=models, freq="D", n_jobs=args.n_jobs)
if args.no_level:
    fc = sf.forecast(df=df, h=h)
else:
    fc = sf.forecast(df=df, h=h, level=[80, 95])
call_s = time.perf_counter() - t0

fc.to_parquet(args.out, index=False)
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(
    f"statsforecast n_jobs={args.n_jobs}: {n_series} series x {len(df) // max(n_series, 1)} days, "
    f"{','.join(names)}{' (no level)' if args.no_level else ''}: read {read_s:.2f} s; "
    f"forecast call {call_s:.2f} s"
    + (f"; largest worker peak {workers} MB" if args.n_jobs > 1 else "")
)
