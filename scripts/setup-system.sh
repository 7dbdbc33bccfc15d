#!/usr/bin/env bash
# Checks for the system libraries citygrid builds against, and installs them with apt-get when
# it can (as root, or with password-less sudo). Otherwise it says what to install and stops.
#
#   PROJ >= 9.1 (libproj-dev) and pkg-config: the `proj` crate links PROJ.
#   libclang (libclang-dev): `proj-sys` generates its bindings with bindgen at build time.
set -euo pipefail

packages=(libproj-dev pkg-config libclang-dev)
missing=()
pkg-config --version >/dev/null 2>&1 || missing+=(pkg-config)
pkg-config --atleast-version=9.1 proj 2>/dev/null || missing+=(libproj-dev)
if ! compgen -G "/usr/lib/llvm-*/lib/libclang*.so*" >/dev/null \
   && ! compgen -G "/usr/lib/*/libclang*.so*" >/dev/null; then
  missing+=(libclang-dev)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

echo "citygrid needs system packages that are missing: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo)
else
  echo "Install them, then rerun:  sudo apt-get install -y ${packages[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "No apt-get here. Install PROJ >= 9.1 (development files), pkg-config and libclang." >&2
  exit 1
fi
echo "Installing with apt-get: ${packages[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq "${packages[@]}" >/dev/null
pkg-config --atleast-version=9.1 proj || {
  echo "PROJ $(pkg-config --modversion proj 2>/dev/null || echo '(none)') is installed; citygrid needs 9.1 or newer." >&2
  exit 1
}
