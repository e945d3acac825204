# Helpers for the scenarios that run inside the VM (busybox sh). Every wait has a deadline.

fail() { echo "FAIL: $*"; exit 1; }

# wait_until SECONDS COMMAND...: polls COMMAND every 50 ms until it succeeds or time is up.
# (Variables are prefixed: busybox sh functions share the caller's variables.)
wait_until() {
  _wu_limit=$(( $1 * 20 )); shift
  _wu_n=0
  while ! "$@" >/dev/null 2>&1; do
    _wu_n=$((_wu_n + 1))
    [ "$_wu_n" -ge "$_wu_limit" ] && return 1
    usleep 50000
  done
  return 0
}

# count_lines PATTERN FILE: number of lines containing the fixed string PATTERN.
count_lines() { grep -cF -- "$1" "$2" || true; }

# expect_line PATTERN FILE: FILE has a line containing PATTERN.
expect_line() { grep -qF -- "$1" "$2" || fail "$2 lacks '$1'"; }

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() { [ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"; }

# stat_of IFACE KEY FILE: a value from the probe's STATS line for IFACE.
stat_of() {
  awk -v i="$1" -v k="$2" '$1 == "STATS" && $2 == i { for (f = 3; f <= NF; f++) { split($f, kv, "="); if (kv[1] == k) print kv[2] } }' "$3"
}
