#!/usr/bin/env bash
# Side by side in one Python process (benches/peers/python_peer.py): the citygrid package
# against GeoPandas and esda/libpysal on the sample city, as an analyst's notebook runs them.
#
# Installs into a venv of this script's own ($VENV, default benches/peers/.venv-python) the
# pinned peers and citygrid itself the way a user does (`pip install ./crates/python`: a
# release build, ~12 min the first time on two cores), then runs the peer script from the
# repository's root:
#
#   benches/peers/run_python.sh [CASES] [REPEATS]     # default: 300000 3
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv="${VENV:-$here/.venv-python}"
pins=(esda==2.9.0 libpysal==4.14.1 numpy==2.4.6 scipy==1.17.1 pandas==3.1.1 shapely==2.2.0
  pyarrow==26.0.1 pyproj==3.7.2 geopandas==1.2.0 scikit-learn==1.9.1 joblib==1.6.0
  threadpoolctl==3.8.0 polars==2.1.0 polars-runtime-32==2.1.0)
[ -x "$venv/bin/python" ] || python3.11 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "${pins[@]}"
if ! "$venv/bin/python" -c 'import citygrid' 2>/dev/null || [ -n "${REINSTALL:-}" ]; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps "$root/crates/python"
fi
echo "load average $(cut -d' ' -f1-3 /proc/loadavg); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
cd "$root"
"$venv/bin/python" "$here/python_peer.py" "$@"
