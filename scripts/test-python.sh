#!/usr/bin/env bash
# Builds the Python bindings (crates/python) and runs their pytest suite:
#
#     scripts/test-python.sh [pytest options]
#
# Uses a virtual environment with pinned versions, created once and reused, at
# ${CITYGRID_PY_TEST_VENV:-$HOME/.cache/citygrid/venv-python} (recreated when the pins change),
# and installs the package the way a user does, `pip install ./crates/python`, with two changes
# for speed: the pinned maturin from the venv (--no-build-isolation, nothing fetched at build time)
# and a dev-profile build (MATURIN_PEP517_ARGS; a release build of polars takes ~20 min here).
# Cargo output goes to its own target dir, ${CITYGRID_PY_TARGET_DIR:-$HOME/.cache/citygrid/
# target-python}: pyo3-polars builds polars with other features than the workspace does, and
# sharing one dir would make each rebuild the other's.
#
# CITYGRID_PYTHON picks the interpreter that creates the venv (default: python3.11, else python3).
# Exit status: pytest's, or 3 if the venv cannot be set up, 4 if the build fails.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup-system.sh"
venv="${CITYGRID_PY_TEST_VENV:-$HOME/.cache/citygrid/venv-python}"
export CARGO_TARGET_DIR="${CITYGRID_PY_TARGET_DIR:-$HOME/.cache/citygrid/target-python}"
export MATURIN_PEP517_ARGS="${MATURIN_PEP517_ARGS:---profile dev}"

# Exact pins for the build, the tests and the example notebook, dependencies included (`pip
# freeze` of maturin, polars, pytest, pyarrow, geopandas, matplotlib, nbclient, nbformat and
# ipykernel). polars' runtime embeds the same Rust polars line as the workspace's polars 0.55;
# pyarrow, geopandas and matplotlib are what analysts pair the package with, and the tests
# check the hand-over to each.
requirements="\
asttokens==3.0.2
attrs==26.1.0
certifi==2026.10.19.post1
comm==0.2.3
contourpy==1.3.3
cycler==0.12.1
debugpy==1.8.22
executing==2.3.0
fastjsonschema==2.22.3
fonttools==4.68.0
geopandas==1.2.0
iniconfig==2.3.1
ipykernel==7.4.0
ipython==9.18.1
ipython_pygments_lexers==1.1.1
jedi==0.20.1
jsonschema==4.26.0
jsonschema-specifications==2025.9.1
jupyter_client==8.10.0
jupyter_core==5.9.1
kiwisolver==1.5.1
matplotlib==3.11.2
matplotlib-inline==0.2.2
maturin==1.16.0
nbclient==0.11.0
nbformat==5.11.1
nest-asyncio2==1.7.4
numpy==2.4.6
packaging==26.4
pandas==3.1.1
parso==0.8.7
pexpect==4.9.0
pillow==13.0.0
platformdirs==4.14.8
pluggy==1.7.0
polars==2.1.0
polars-runtime-32==2.1.0
prompt_toolkit==3.0.53
psutil==7.2.2
ptyprocess==0.7.0
pure_eval==0.2.4
pyarrow==26.0.1
Pygments==2.21.0
pyogrio==0.13.0
pyparsing==3.3.3
pyproj==3.7.2
pytest==9.2.0
python-dateutil==4.0.0
pyzmq==27.3.0
referencing==0.37.0
rpds-py==2026.9.1
shapely==2.2.0
stack-data==0.6.3
tornado==6.6.1
traitlets==5.16.1
typing_extensions==4.16.0
tzdata==2026.6
wcwidth==0.9.4"

python="${CITYGRID_PYTHON:-$(command -v python3.11 || command -v python3)}"
stamp="$venv/.citygrid-requirements"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$requirements" ]; then
    echo "test-python: creating $venv" >&2
    rm -rf "$venv"
    if ! "$python" -m venv "$venv" \
        || ! "$venv/bin/pip" install --quiet --disable-pip-version-check $requirements; then
        echo "test-python: could not set up $venv" >&2
        exit 3
    fi
    printf '%s' "$requirements" >"$stamp"
fi

# Lint while building: cargo runs clippy-driver instead of rustc for the workspace's own crates
# (grid-core, grid-analytics, citygrid-python), as `cargo clippy` does, with every warning an
# error, so CI lints the bindings without a second build of polars. (CLIPPY_ARGS is how
# cargo-clippy hands its arguments to clippy-driver.)
export RUSTC_WORKSPACE_WRAPPER="${RUSTC_WORKSPACE_WRAPPER-$(command -v clippy-driver || true)}"
export CLIPPY_ARGS="${CLIPPY_ARGS--D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__}"
# The build backend runs the venv's maturin (no build isolation): put it on PATH.
export PATH="$venv/bin:$PATH"
export PYO3_PYTHON="$venv/bin/python"
started=$(date +%s)
if ! "$venv/bin/pip" install --quiet --disable-pip-version-check --no-build-isolation \
    --force-reinstall --no-deps "$root/crates/python"; then
    echo "test-python: pip install ./crates/python failed" >&2
    exit 4
fi
echo "test-python: built and installed in $(($(date +%s) - started)) s" >&2

started=$(date +%s)
cd "$root/crates/python"
status=0
"$venv/bin/python" -m pytest -q tests "$@" || status=$?
echo "test-python: pytest took $(($(date +%s) - started)) s" >&2
exit "$status"
