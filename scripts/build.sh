#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Configure and build chorus in a build directory (default: _build).
#   scripts/build.sh [BUILD_DIR] [configure options...]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-"$top/_build"}
[ $# -gt 0 ] && shift
[ -x "$top/configure" ] || (cd "$top" && ./autogen.sh >/dev/null 2>&1)
mkdir -p "$dir"
cd "$dir"
[ -f Makefile ] || "$top/configure" -q "$@"
make -j"$(nproc)" >/dev/null
