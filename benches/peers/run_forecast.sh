#!/usr/bin/env bash
# Side by side: `citygrid forecast --series` (release build) against Nixtla's statsforecast 2.1.1
# (`StatsForecast(models=[...], freq="D", n_jobs=J).forecast(df=df, h=14, level=[80, 95])`,
# forecast_peer.py) on the same long tables of N daily count series x 730 days (make_series.py:
# low-mean negative binomial counts with weekday and yearly cycles, a third intermittent, a few
# busy), horizon 14, season 7, for each N. Two groups of models, each timed on its own:
#   fast:    Naive, SeasonalNaive, HistoricAverage, WindowAverage, SESOpt, CrostonClassic,
#            CrostonSBA, TSB, ADIDA, IMAPA, all in one command;
#   AutoETS: alone (statsforecast's AutoETS(model="AZZ", season_length=7)).
# Intervals at 80 and 95 %: where statsforecast has none of its own (WindowAverage, SESOpt and
# the intermittent models) it gets ConformalIntervals(h=14, n_windows=W, method="conformal_error"),
# citygrid's method, and citygrid gets --conformal-windows W (W = CONFORMAL_WINDOWS, default 3,
# what citygrid used before it had the flag), so both refit the same windows. citygrid's SESOpt has
# its own intervals (see forecast_peer.py), and since --conformal-windows citygrid takes split
# conformal's finite-sample quantile where statsforecast interpolates, so conformal bounds agree
# only with a citygrid from before that flag. The two sides run one after the other.
#
# AutoETS is slow on both sides (statsforecast about 0.16 s per 730-day series per worker here),
# so it runs on the first PEER_ETS_SERIES series (default 2000) for statsforecast and the first
# CITYGRID_ETS_SERIES (default 10000) for citygrid; make_series.py draws series in seeded blocks,
# so these are the first series of every larger table. Larger N are extrapolated linearly in
# the number of series from those runs (each subset is run once and reused; citygrid's whole
# command scaled, statsforecast's library call scaled and its start-up added once), marked "~"
# and "from K series" in the table. statsforecast's n_jobs=1 and citygrid's one-thread runs of the
# fast group are made up to PEER_NJOBS1_MAX_N series (default 10000). ONLY=fast or ONLY=ets
# runs one group only (default: both).
#
# Times are wall seconds by /usr/bin/time -v of the whole command (start-up, reading the Parquet
# file, forecasting, writing), best of up to 3 runs for citygrid (fewer once the runs took a
# minute), one run for statsforecast, whose lines above the table also give the library call
# alone (time.perf_counter). Peak RSS is /usr/bin/time's maximum resident set size, which is that
# of the largest single process: for statsforecast with n_jobs=2 the largest worker's peak is
# given apart (+ w MB; two workers run at once).
#
# Before the table, the two sides' means are compared on a sample of CHECK_SERIES series (default
# 1000; for AutoETS on every series statsforecast ran): the largest absolute difference per
# model, and the series whose means differ by more than 1e-6 relative. citygrid clips forecasts
# and bounds at 0 (counts), so statsforecast's are clipped too before comparing; bounds are
# compared the same way (SESOpt's differ by design).
#
#   CITYGRID=/path/to/citygrid VENV=... benches/peers/run_forecast.sh [N ...]   # default: 10000 100000
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ $# -gt 0 ]; then sizes=("$@"); else sizes=(10000 100000); fi
venv="${VENV:-$here/.venv-forecast}"
citygrid="${CITYGRID:-${CARGO_TARGET_DIR:-$root/target}/release/citygrid}"
peer_ets=${PEER_ETS_SERIES:-2000}
cg_ets=${CITYGRID_ETS_SERIES:-10000}
njobs1_max=${PEER_NJOBS1_MAX_N:-10000}
check_series=${CHECK_SERIES:-1000}
groups=",${ONLY:-fast,ets},"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -x "$citygrid" ]; then
  echo "no citygrid at $citygrid: cargo build --release -p grid-jobs --bin citygrid, or set CITYGRID" >&2
  exit 2
fi
# statsforecast 2.1.1 and every dependency as installed with it (CPython 3.11; pandas < 3).
pins=(statsforecast==2.1.1 numpy==2.4.6 scipy==1.17.1 pandas==2.3.3 pyarrow==26.0.1
  statsmodels==0.15.0 coreforecast==0.0.20 utilsforecast==0.2.17 adagio==0.2.6 cloudpickle==3.1.3
  formulaic==1.2.2 fsspec==2026.9.0 fugue==0.9.7 interface_meta==2.0.1 narwhals==2.29.0
  packaging==26.4 patsy==1.0.3 python-dateutil==4.0.0 pytz==2026.6 six==1.17.0
  threadpoolctl==3.8.0 tqdm==4.70.1 triad==1.0.4 typing_extensions==4.16.0 tzdata==2026.6
  wrapt==2.5.2)
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "${pins[@]}"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "citygrid: $("$citygrid" --version) ($citygrid)"
"$venv/bin/python" - <<'PY'
import importlib.metadata as md, platform
names = ["statsforecast", "numpy", "pandas", "pyarrow", "scipy", "coreforecast", "utilsforecast"]
print(f"python {platform.python_version()}: {', '.join(f'{p} {md.version(p)}' for p in names)}")
PY

# The same conformal work on both sides: statsforecast's n_windows, and citygrid's
# --conformal-windows where it has the flag (before it, citygrid used max(--windows, 2) = 3).
conformal_windows=${CONFORMAL_WINDOWS:-3}
cg_conformal=()
if "$citygrid" forecast --help | grep -q -- --conformal-windows; then
  cg_conformal=(--conformal-windows "$conformal_windows")
elif [ "$conformal_windows" != 3 ]; then
  echo "this citygrid has no --conformal-windows (it uses 3 windows): CONFORMAL_WINDOWS must be 3" >&2
  exit 2
fi
echo "conformal intervals: $conformal_windows windows on both sides"
fast=Naive,SeasonalNaive,HistoricAverage,WindowAverage,SESOpt,CrostonClassic,CrostonSBA,TSB,ADIDA,IMAPA
declare -A result secs ets_cg ets_sf checked
order=()
# series N: the table of the first N series (made once).
series() {
  [ -f "$work/series_$1.parquet" ] || "$venv/bin/python" "$here/make_series.py" "$1" "$work/series_$1.parquet" >&2
  echo "$work/series_$1.parquet"
}
# measure KEY REPEAT COMMAND...: runs COMMAND up to REPEAT times (stopping once the runs took
# 60 s), prints its output, the best wall time and the largest peak RSS, and keeps them (with
# statsforecast's call time and worker peak) as last_* for the table.
measure() {
  local key=$1 repeat=$2 best="" rss=0 sum=0 runs=() e m call worker
  shift 2
  for ((k = 0; k < repeat; k++)); do
    /usr/bin/time -v -o "$work/time" "$@" >"$work/out"
    sed 's/^/    /' "$work/out"
    e=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$work/time")
    m=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time")
    runs+=("$e")
    best=$(awk -v a="$best" -v b="$e" 'BEGIN { print (a == "" || b < a) ? b : a }')
    ((m > rss)) && rss=$m
    sum=$(awk -v a="$sum" -v b="$e" 'BEGIN { print a + b }')
    awk -v s="$sum" 'BEGIN { exit !(s > 60) }' && break
  done
  last_wall=$best last_rss=$((rss / 1024)) last_call="" last_worker=""
  call=$(grep -o 'forecast call [0-9.]* s' "$work/out" | tail -1) && last_call=${call#forecast call }
  worker=$(grep -o 'largest worker peak [0-9]* MB' "$work/out" | tail -1) && last_worker=${worker#largest worker peak }
  printf '  %-44s best %7.2f s of %d (%s), peak %d MB; load average now %s\n' "$key" "$best" \
    "${#runs[@]}" "${runs[*]}" "$last_rss" "$(cut -d' ' -f1-3 /proc/loadavg)"
}
# record N LABEL [K]: puts the last measurement into the table for N series; with K < N it
# was made on the first K series and is scaled by N/K.
record() {
  local n=$1 label=$2 k=${3:-$1} f wall cell
  f=$(awk -v n="$n" -v k="$k" 'BEGIN { print n / k }')
  # Scaled: the whole command for citygrid (reading grows with N too); for statsforecast the
  # library call only, its interpreter start and imports kept as they were.
  wall=$(awk -v w="$last_wall" -v c="${last_call% s}" -v f="$f" \
    'BEGIN { printf "%.1f", (c == "" ? w * f : w + c * (f - 1)) }')
  secs[$n|$label]=$wall
  if ((k == n)); then
    cell="$wall s"
    [ -n "$last_call" ] && cell+=" (call $last_call)"
    cell+=", $last_rss MB"
    [ -n "$last_worker" ] && cell+=" (+ w $last_worker)"
  else
    cell="~$wall s"
    [ -n "$last_call" ] && cell+=" (call ~$(awk -v c="${last_call% s}" -v f="$f" 'BEGIN { printf "%.0f", c * f }') s)"
    cell+=", from $k series ($last_rss MB)"
  fi
  result[$n|$label]=$cell
  [[ " ${order[*]} " == *" $label "* ]] || order+=("$label")
}
ratio() {
  local n=$1 label=$2 a=$3 b=$4 mark=""
  [[ "${result[$n|$a]}${result[$n|$b]}" == *"~"* ]] && mark="~"
  result[$n|$label]="$mark$(awk -v a="${secs[$n|$a]}" -v b="${secs[$n|$b]}" 'BEGIN { printf "%.1f", a / b }')x"
  [[ " ${order[*]} " == *" $label "* ]] || order+=("$label")
}
# check CITYGRID.parquet STATSFORECAST.parquet SAMPLE: the means (and bounds) on a sample of
# SAMPLE of the series both have.
check() {
  "$venv/bin/python" - "$1" "$2" "$3" <<'PY'
import sys
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
cg_path, sf_path, sample = sys.argv[1], sys.argv[2], int(sys.argv[3])
cg_ids = pc.unique(pq.read_table(cg_path, columns=["unique_id"])["unique_id"])
sf_ids = pc.unique(pq.read_table(sf_path, columns=["unique_id"])["unique_id"])
ids = np.intersect1d(cg_ids.to_numpy(zero_copy_only=False), sf_ids.to_numpy(zero_copy_only=False))
pick = np.sort(np.random.default_rng(7).choice(ids, size=min(sample, len(ids)), replace=False))
def read(path):
    t = pq.read_table(path)
    for i, f in enumerate(t.schema):  # citygrid writes text as string_view, which filter cannot take
        if f.type == pa.string_view():
            t = t.set_column(i, f.name, t[f.name].cast(pa.string()))
    return t.filter(pc.is_in(t["unique_id"], value_set=pa.array(pick, pa.string()))).to_pandas()
cg, sf = read(cg_path), read(sf_path)
sf["ds"] = sf["ds"].astype("datetime64[ms]").dt.strftime("%Y-%m-%d")
cg["ds"] = cg["ds"].astype(str)
sf = sf.set_index(["unique_id", "ds"]).sort_index()
print(f"  agreement on {len(pick)} of {len(ids)} common series (statsforecast clipped at 0 like citygrid):")
for model in cg["model"].unique():
    c = cg[cg["model"] == model].set_index(["unique_id", "ds"]).sort_index()
    s = sf.loc[c.index]
    sm = s[model].clip(lower=0).to_numpy()
    d = np.abs(c["mean"].to_numpy() - sm)
    rel = d / np.maximum(np.abs(sm), 1e-300)
    worst = c.index[int(d.argmax())][0]
    bad = c.index[(rel > 1e-6) & (d > 1e-12)].get_level_values(0).unique()
    bounds = [np.abs(c[f"{b}_{lv}"].to_numpy() - s[f"{model}-{b}-{lv}"].clip(lower=0).to_numpy()).max()
              for b in ("lo", "hi") for lv in (80, 95) if f"{model}-{b}-{lv}" in s and f"{b}_{lv}" in c]
    print(f"    {model:>16}: max |mean diff| {d.max():.3g} (series {worst}); "
          f"{len(bad)} series beyond 1e-6 relative{' (' + ', '.join(bad[:5]) + ')' if len(bad) else ''}; "
          f"bounds max |diff| {max(bounds) if bounds else float('nan'):.3g}")
PY
}

for n in "${sizes[@]}"; do
  echo
  file=$(series "$n")
  cg=("$citygrid" --quiet forecast --id-col unique_id --time-col ds --value-col y
    --freq day --horizon 14 --season 7 --level 80,95 "${cg_conformal[@]}")
  peer=("$venv/bin/python" "$here/forecast_peer.py" --windows "$conformal_windows")

  if [[ $groups == *,fast,* ]]; then
    echo "N = $n, fast models ($fast):"
    measure "citygrid" 3 "${cg[@]}" --series "$file" --models "$fast" --out "$work/cg_fast.parquet"
    record "$n" "fast: citygrid"
    if ((n <= njobs1_max)); then
      measure "citygrid, 1 thread" 3 env RAYON_NUM_THREADS=1 "${cg[@]}" --series "$file" --models "$fast" --out "$work/cg_fast.parquet"
      record "$n" "fast: citygrid, 1 thread"
  fi
  measure "statsforecast n_jobs=2" 1 "${peer[@]}" "$file" "$work/sf_fast.parquet" --models "$fast" --n-jobs 2
  record "$n" "fast: statsforecast n_jobs=2"
  if ((n <= njobs1_max)); then
    measure "statsforecast n_jobs=1" 1 "${peer[@]}" "$file" "$work/sf_fast_1.parquet" --models "$fast" --n-jobs 1
    record "$n" "fast: statsforecast n_jobs=1"
  fi
  ratio "$n" "fast: statsforecast n_jobs=2 / citygrid" "fast: statsforecast n_jobs=2" "fast: citygrid"
  check "$work/cg_fast.parquet" "$work/sf_fast.parquet" "$check_series"
  fi

  [[ $groups == *,ets,* ]] || continue
  k_cg=$((n < cg_ets ? n : cg_ets))
  k_sf=$((n < peer_ets ? n : peer_ets))
  echo "N = $n, AutoETS (citygrid on the first $k_cg series, statsforecast on the first $k_sf):"
  if [ ! -f "$work/cg_ets_$k_cg.parquet" ]; then
    measure "citygrid ($k_cg series)" 3 "${cg[@]}" --series "$(series "$k_cg")" --models AutoETS --out "$work/cg_ets_$k_cg.parquet"
    ets_cg[$k_cg]="$last_wall|$last_rss"
  fi
  IFS='|' read -r last_wall last_rss <<<"${ets_cg[$k_cg]}"
  last_call="" last_worker=""
  record "$n" "AutoETS: citygrid" "$k_cg"
  if [ ! -f "$work/sf_ets_$k_sf.parquet" ]; then
    measure "statsforecast n_jobs=2 ($k_sf series)" 1 "${peer[@]}" "$(series "$k_sf")" "$work/sf_ets_$k_sf.parquet" --models AutoETS --n-jobs 2
    ets_sf[$k_sf]="$last_wall|$last_rss|$last_call|$last_worker"
  fi
  IFS='|' read -r last_wall last_rss last_call last_worker <<<"${ets_sf[$k_sf]}"
  record "$n" "AutoETS: statsforecast n_jobs=2" "$k_sf"
  ratio "$n" "AutoETS: statsforecast n_jobs=2 / citygrid" "AutoETS: statsforecast n_jobs=2" "AutoETS: citygrid"
  if [ -z "${checked[$k_cg|$k_sf]:-}" ]; then
    check "$work/cg_ets_$k_cg.parquet" "$work/sf_ets_$k_sf.parquet" "$k_sf"
    checked[$k_cg|$k_sf]=1
  fi
done

echo
printf '| %-42s |' "wall time, peak RSS"
for n in "${sizes[@]}"; do printf ' N = %-36s |' "$n"; done
echo
printf '|%s|' "$(printf -- '-%.0s' {1..44})"
for n in "${sizes[@]}"; do printf -- '%s|' "$(printf -- '-%.0s' {1..42})"; done
echo
for key in "${order[@]}"; do
  printf '| %-42s |' "$key"
  for n in "${sizes[@]}"; do printf ' %-40s |' "${result[$n|$key]:-not run}"; done
  echo
done
