#!/usr/bin/env bash
# The deployment scripts pass shellcheck; the runit scripts as POSIX sh (Venus OS runs them
# with busybox sh).
# Usage: shellcheck_test.sh SOURCE_DIR
set -euo pipefail
src="$(cd "$1" && pwd)"
command -v shellcheck >/dev/null || { echo "FAIL: shellcheck missing (tools/setup installs it)" >&2; exit 1; }
cd "$src"
shellcheck tools/install-venus tools/build-armhf tools/setup-armhf tests/deploy/*.sh
shellcheck --shell=sh runit/run runit/log/run
echo "PASS"
