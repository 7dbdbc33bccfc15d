#!/usr/bin/env bash
# Regenerates the PySAL (esda/libpysal) golden vectors in ./esda/.
# Creates its own virtualenv in ./.venv (git-ignored), installs pinned versions
# and runs make_esda_vectors.py.  Needs CPython 3.11 and access to PyPI (only
# for the first install); all data comes from the datasets bundled in the
# libpysal wheel, so nothing else is downloaded.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv"
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
# that a re-run installs exactly the same set.  numba is deliberately NOT
# installed: esda then falls back to plain NumPy and numpy's legacy
# RandomState for the permutations; installing numba changes the random
# stream and therefore every p_sim / EI_sim / z_sim value.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    esda==2.9.0 \
    libpysal==4.14.1 \
    numpy==2.4.6 \
    scipy==1.17.1 \
    pandas==3.1.1 \
    shapely==2.2.0 \
    beautifulsoup4==4.15.0 \
    certifi==2026.10.19.post1 \
    charset-normalizer==3.5.3 \
    cloudpickle==3.1.3 \
    geopandas==1.2.0 \
    idna==3.20 \
    Jinja2==3.1.6 \
    joblib==1.6.0 \
    MarkupSafe==3.0.4 \
    narwhals==2.29.0 \
    packaging==26.4 \
    platformdirs==4.14.8 \
    pyogrio==0.13.0 \
    pyproj==3.7.2 \
    python-dateutil==4.0.0 \
    requests==2.34.2 \
    scikit-learn==1.9.1 \
    soupsieve==4.1.3 \
    threadpoolctl==3.8.0 \
    typing_extensions==4.16.0 \
    tzdata==2026.6 \
    urllib3==2.8.0

export PYTHONHASHSEED=0
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
exec "$VENV/bin/python" "$HERE/make_esda_vectors.py" --out "$HERE/esda"
