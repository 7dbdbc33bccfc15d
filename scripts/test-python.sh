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

# Exact pins for the build and the tests, dependencies included (polars' runtime embeds the same
# Rust polars line as the workspace's polars 0.55).
requirements="\
maturin==1.16.0
polars==2.1.0
polars-runtime-32==2.1.0
pytest==9.2.0
iniconfig==2.3.1
packaging==26.4
pluggy==1.7.0
Pygments==2.21.0"

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
