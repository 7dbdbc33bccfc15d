#!/usr/bin/env bash
# Benchmark of the whole nightly job: `citygrid nightly` on N simulated cases (three years on
# the sample city's 35,030 unit grids), every stage forced, with wall time and peak memory per
# stage (from the run's manifest.json: the process's peak resident memory is reset at each
# stage's start, so a stage's figure includes what earlier stages left resident) and the whole
# run's wall time (/usr/bin/time; its peak is unusable here, the resets clear it too).
#
#     cargo build --release -p grid-jobs --bin citygrid
#     benches/nightly/run_nightly.sh 1000000 [WORK_DIR]
#
# The simulated history and the grids are made once per N in WORK_DIR (default
# /tmp/citygrid-nightly-bench) and reused.
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:?usage: $0 CASES [WORK_DIR]}"
work="${2:-/tmp/citygrid-nightly-bench}"
bin="${CITYGRID_BIN:-$PWD/target/release/citygrid}"
data="$PWD/data"
mkdir -p "$work"
if [ ! -f "$work/grids.parquet" ]; then
    "$bin" -q grid build --boundary "$data/rizhao/central_city.geojson" \
        --communities "$data/rizhao/communities.geojson" --out "$work/grids.parquet"
fi
if [ ! -f "$work/sim-$n/cases.parquet" ]; then
    "$bin" -q simulate --grid "$work/grids.parquet" --cases "$n" --out "$work/sim-$n"
fi
cat >"$work/city-$n.toml" <<TOML
[city]
data = "$data"
now = "2026-01-01 00:00"

[cases]
path = "sim-$n/cases.parquet"

[grids]
boundary = "$data/rizhao/central_city.geojson"
communities = "$data/rizhao/communities.geojson"
districts = "$data/rizhao/districts.geojson"

[components]
path = "sim-$n/components.parquet"
TOML
status=0
/usr/bin/time -f "process: %e s wall" -o "$work/time-$n.txt" \
    "$bin" -q nightly --config "$work/city-$n.toml" --out "$work/out-$n" --force || status=$?
if [ "$status" -gt 1 ]; then
    echo "citygrid nightly failed with exit code $status" >&2
    exit "$status"
fi
echo "citygrid nightly, $n cases ($(nproc) cores, $(uname -m)):"
python3 - "$work/out-$n/latest/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
print(f"{'stage':<10} {'seconds':>8} {'peak MB':>8}")
for s in m["stages"]:
    peak = s.get("peak_memory_mb")
    print(f"{s['name']:<10} {s['seconds']:>8.1f} {peak if peak is not None else '-':>8}")
peaks = [s["peak_memory_mb"] for s in m["stages"] if s.get("peak_memory_mb") is not None]
print(f"{'total':<10} {sum(s['seconds'] for s in m['stages']):>8.1f} {max(peaks, default=0):>8.0f}")
PY
cat "$work/time-$n.txt"
