#!/usr/bin/env bash
# Regenerates gcj02_vectors.csv with the independent implementation `prcoords`, installed from
# PyPI into a venv of this script's own (CI needs none of it: the CSV is committed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv="${VENV:-$here/.venv-golden}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet "prcoords==1.0.2"
"$venv/bin/python" "$here/make_gcj02_vectors.py" "$here/gcj02_vectors.csv"
