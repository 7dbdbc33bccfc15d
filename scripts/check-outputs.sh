#!/usr/bin/env bash
# Checks that a nightly run folder opens unmodified in GeoPandas and DuckDB:
#
#     scripts/check-outputs.sh OUT/2026-01-01
#
# Runs scripts/check_outputs.py (its docstring lists every check) in a Python virtual
# environment with pinned versions, created once and then reused, at
# ${CITYGRID_PY_VENV:-$HOME/.cache/citygrid/venv-outputs}. The venv is recreated whenever the pins
# below change. Every package installs from a wheel (Python 3.11+, x86_64 Linux, glibc >= 2.28),
# from PyPI only: the DuckDB `spatial` extension comes as the `duckdb-extension-spatial` wheel,
# whose version must equal duckdb's (nothing is fetched from DuckDB's extension repository).
#
# CITYGRID_PYTHON picks the interpreter that creates the venv (default: python3.11, else python3).
# Exit status: the checker's (0 all OK, 1 some check failed, 2 bad usage), or 3 if the venv
# cannot be set up.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
if [ "$#" -lt 1 ]; then
    echo "usage: $0 RUN_FOLDER [check_outputs.py options]" >&2
    exit 2
fi

venv="${CITYGRID_PY_VENV:-$HOME/.cache/citygrid/venv-outputs}"

# Exact pins, dependencies included. duckdb and duckdb-extension-spatial must move together.
requirements="\
geopandas==1.2.0
pyogrio==0.13.0
shapely==2.2.0
pyproj==3.7.2
pyarrow==26.0.1
duckdb==1.5.5
duckdb-extension-spatial==1.5.5
numpy==2.4.6
pandas==3.1.1
python-dateutil==4.0.0
packaging==26.4
certifi==2026.10.19.post1
tzdata==2026.6"
stamp="$(printf '%s\n' "$requirements" | sha256sum | cut -c1-16)"

# Called as `setup_venv || ...`, where `set -e` does not apply: every step checks itself.
setup_venv() {
    local python="${CITYGRID_PYTHON:-}"
    if [ -z "$python" ]; then
        if command -v python3.11 >/dev/null 2>&1; then python=python3.11; else python=python3; fi
    fi
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        echo "check-outputs: $python is not Python 3.11 or newer" >&2
        return 1
    fi
    local started=$SECONDS
    echo "check-outputs: creating the venv $venv (once) ..." >&2
    rm -rf "$venv" || return 1
    mkdir -p "$(dirname "$venv")" || return 1
    "$python" -m venv "$venv" || return 1
    printf '%s\n' "$requirements" >"$venv/requirements.txt" || return 1
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/python" -m pip install --quiet \
        --only-binary=:all: --requirement "$venv/requirements.txt" || return 1
    "$venv/bin/python" -m pip check >&2 || return 1
    echo "$stamp" >"$venv/.citygrid-stamp" || return 1
    echo "check-outputs: venv ready in $((SECONDS - started)) s" >&2
}

if [ "$(cat "$venv/.citygrid-stamp" 2>/dev/null || true)" != "$stamp" ]; then
    # One creator at a time (two CI jobs on one machine); the second one then finds it ready.
    mkdir -p "$(dirname "$venv")"
    exec 9>"$venv.lock"
    flock 9
    if [ "$(cat "$venv/.citygrid-stamp" 2>/dev/null || true)" != "$stamp" ]; then
        if ! setup_venv; then
            echo "check-outputs: could not set up the venv at $venv" >&2
            exit 3
        fi
    fi
    flock -u 9
fi

exec "$venv/bin/python" "$here/check_outputs.py" --require-spatial "$@"
