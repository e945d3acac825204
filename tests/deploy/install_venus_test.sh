#!/usr/bin/env bash
# tools/install-venus against a fake Venus OS root (a temporary directory with data/,
# service/ and var/log/). The bundle is the native build behind a launcher script, so the
# installer's --check-config runs the real binary.
#
# Usage: install_venus_test.sh CASE SOURCE_DIR BINARY
#   CASE: fresh | upgrade | idempotent | existing_rc_local | firmware_wipe | uninstall |
#         reinstall_keeps_config | errors
set -euo pipefail

case_name="$1"
src="$(cd "$2" && pwd)"
binary="$3"

work="$(mktemp -d "${TMPDIR:-/tmp}/install-venus-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root/data" "$root/service" "$root/var/log" "$work/bin"
dest="$root/data/bms-aggregator"
link="$root/service/bms-aggregator"

# A fake svc records how the installer drives runit.
svc_calls="$work/svc.calls"
: > "$svc_calls"
cat > "$work/bin/svc" <<EOF
#!/bin/sh
echo "svc \$*" >> "$svc_calls"
EOF
chmod 755 "$work/bin/svc"
export PATH="$work/bin:$PATH"

fail() { echo "FAIL ($case_name): $*" >&2; exit 1; }
expect_eq() {  # expected actual what
  if [ "$1" != "$2" ]; then
    printf 'FAIL (%s): %s\n  expected: %s\n  actual:   %s\n' "$case_name" "$3" "$1" "$2" >&2
    exit 1
  fi
}
expect_file() { [ -f "$1" ] || fail "missing file $1"; }
expect_absent() { if [ -e "$1" ] || [ -L "$1" ]; then fail "should not exist: $1"; fi; }

# make_bundle DIR VERSION: a bundle like tools/build-armhf makes, with the native binary.
make_bundle() {
  local dir="$1" version="$2"
  mkdir -p "$dir/bin" "$dir/lib" "$dir/service/log"
  cp "$binary" "$dir/bin/bms-aggregator"
  cat > "$dir/bms-aggregator" <<'EOF'
#!/bin/sh
exec "$(dirname "$0")/bin/bms-aggregator" "$@"
EOF
  chmod 755 "$dir/bms-aggregator"
  echo "library $version" > "$dir/lib/libexample.so.1"
  cp "$src/runit/run" "$dir/service/run"
  cp "$src/runit/log/run" "$dir/service/log/run"
  cp "$src/runit/config.toml.default" "$dir/config.toml.default"
  cp "$src/tools/install-venus" "$dir/install-venus"
  echo "bms-aggregator $version" > "$dir/MANIFEST"
}

# The whole tree below a directory: type, mode, content hash or link target.
snapshot() {
  (cd "$1" && find . -mindepth 1 | LC_ALL=C sort | while read -r p; do
    if [ -L "$p" ]; then echo "L $p -> $(readlink "$p")"
    elif [ -d "$p" ]; then echo "D $p $(stat -c %a "$p")"
    else echo "F $p $(stat -c %a "$p") $(sha256sum < "$p" | cut -d' ' -f1)"
    fi
  done)
}

install_bundle() {  # bundle [args...]
  local bundle="$1"; shift
  "$bundle/install-venus" --root "$root" "$@" > "$work/install.out" 2>&1 \
    || { cat "$work/install.out" >&2; fail "install-venus $* exited $?"; }
}

rc_line="if [ -x $dest/install-venus ]; then $dest/install-venus --root $root --enable; fi # bms-aggregator: re-link the service after a firmware update"

backups() { (cd "$dest" && find . -maxdepth 1 -name 'config.toml.bak-*' | LC_ALL=C sort | sed 's|^\./||'); }

make_bundle "$work/bundle-v1" v1
make_bundle "$work/bundle-v2" v2

case "$case_name" in
  fresh)
    install_bundle "$work/bundle-v1"
    for f in bms-aggregator bin/bms-aggregator lib/libexample.so.1 install-venus config.toml.default \
             config.toml MANIFEST service/run service/log/run; do
      expect_file "$dest/$f"
    done
    cmp -s "$src/runit/config.toml.default" "$dest/config.toml" || fail "config.toml is not the default"
    expect_eq "" "$(backups)" "backups after a fresh install"
    expect_eq "$dest/service" "$(readlink "$link")" "service link target"
    [ -d "$root/var/log/bms-aggregator" ] || fail "log directory not made"
    expect_eq "755" "$(stat -c %a "$dest/service/run")" "run mode"
    expect_eq "755" "$(stat -c %a "$dest/service/log/run")" "log/run mode"
    expect_eq "exec $dest/bms-aggregator --config $dest/config.toml" "$(tail -n 1 "$dest/service/run")" "run's exec line"
    expect_eq "exec multilog t s25000 n4 $root/var/log/bms-aggregator" "$(tail -n 1 "$dest/service/log/run")" \
      "log/run's exec line"
    [ -x "$root/data/rc.local" ] || fail "rc.local not executable"
    expect_eq "#!/bin/sh
$rc_line" "$(cat "$root/data/rc.local")" "rc.local content"
    expect_eq "" "$(cat "$svc_calls")" "svc calls (nothing to restart on a fresh install)"
    # The installed run script starts the installed launcher with the installed config.
    "$dest/bms-aggregator" --check-config "$dest/config.toml" > /dev/null || fail "installed launcher cannot check the config"
    ;;

  upgrade)
    install_bundle "$work/bundle-v1"
    echo "# edited by the user" >> "$dest/config.toml"
    cp "$dest/config.toml" "$work/user-config.toml"
    mkdir -p "$dest/service/supervise" "$dest/service/log/supervise"  # runsv is running it
    install_bundle "$work/bundle-v2"
    cmp -s "$work/user-config.toml" "$dest/config.toml" || fail "the user's config.toml was not kept"
    b="$(backups)"
    [[ "$b" =~ ^config\.toml\.bak-[0-9]{8}-[0-9]{6}$ ]] || fail "expected one timestamped backup, got: '$b'"
    cmp -s "$work/user-config.toml" "$dest/$b" || fail "the backup differs from the user's config"
    expect_eq "library v2" "$(cat "$dest/lib/libexample.so.1")" "library after the upgrade"
    expect_eq "bms-aggregator v2" "$(cat "$dest/MANIFEST")" "MANIFEST after the upgrade"
    if [ ! -d "$dest/service/supervise" ] || [ ! -d "$dest/service/log/supervise" ]; then
      fail "runit's supervise state was removed"
    fi
    expect_eq "svc -t $link" "$(cat "$svc_calls")" "svc calls (restart after the upgrade)"
    expect_eq "1" "$(grep -c 'bms-aggregator: re-link' "$root/data/rc.local")" "boot lines in rc.local"
    ;;

  idempotent)
    install_bundle "$work/bundle-v1"
    echo "# edited by the user" >> "$dest/config.toml"
    install_bundle "$work/bundle-v1"  # first re-run: backs up the edited config once
    before="$(snapshot "$root")"
    install_bundle "$work/bundle-v1"
    install_bundle "$work/bundle-v1"
    expect_eq "$before" "$(snapshot "$root")" "tree after re-running the install"
    expect_eq "1" "$(backups | wc -l)" "backups (an unchanged config is not backed up again)"
    ;;

  existing_rc_local)
    printf '#!/bin/sh\n/data/other-driver/enable.sh' > "$root/data/rc.local"  # no final newline, not executable
    chmod 644 "$root/data/rc.local"
    install_bundle "$work/bundle-v1"
    expect_eq "#!/bin/sh
/data/other-driver/enable.sh
$rc_line" "$(cat "$root/data/rc.local")" "rc.local with the user's line kept"
    expect_eq "755" "$(stat -c %a "$root/data/rc.local")" "rc.local mode"
    install_bundle "$work/bundle-v1" --uninstall
    expect_eq "#!/bin/sh
/data/other-driver/enable.sh" "$(cat "$root/data/rc.local")" "rc.local after uninstall"
    ;;

  firmware_wipe)
    install_bundle "$work/bundle-v1"
    data_before="$(snapshot "$root/data")"
    # A firmware update replaces the root filesystem: /service and /var/log start empty.
    rm -rf "${root:?}/service" "${root:?}/var/log"
    mkdir -p "$root/service" "$root/var/log"
    "$root/data/rc.local" > "$work/boot.out" 2>&1 || { cat "$work/boot.out" >&2; fail "rc.local failed at boot"; }
    expect_eq "$dest/service" "$(readlink "$link")" "service link after the boot"
    [ -d "$root/var/log/bms-aggregator" ] || fail "log directory not remade at boot"
    expect_eq "$data_before" "$(snapshot "$root/data")" "/data after the boot"
    "$root/data/rc.local" > /dev/null 2>&1 || fail "rc.local failed on a second boot"
    expect_eq "$dest/service" "$(readlink "$link")" "service link after a second boot"
    ;;

  uninstall)
    pristine="$(snapshot "$root")"
    install_bundle "$work/bundle-v1"
    echo "# edited by the user" >> "$dest/config.toml"
    cp "$dest/config.toml" "$work/user-config.toml"
    install_bundle "$work/bundle-v2"
    b="$(backups)"
    mkdir -p "$dest/service/supervise"
    : > "$svc_calls"
    install_bundle "$work/bundle-v2" --uninstall
    expect_eq "svc -d $link $link/log" "$(cat "$svc_calls")" "svc calls (stop before unlinking)"
    expect_absent "$link"
    expect_absent "$root/data/rc.local"
    expect_eq "config.toml
$b" "$(cd "$dest" && find . -mindepth 1 | LC_ALL=C sort | sed 's|^\./||')" "what --uninstall keeps"
    cmp -s "$work/user-config.toml" "$dest/config.toml" || fail "the kept config.toml is not the user's"
    install_bundle "$work/bundle-v2" --uninstall --purge
    expect_eq "$pristine" "$(snapshot "$root")" "tree after --uninstall --purge"
    ;;

  reinstall_keeps_config)
    install_bundle "$work/bundle-v1"
    echo "# edited by the user" >> "$dest/config.toml"
    cp "$dest/config.toml" "$work/user-config.toml"
    install_bundle "$work/bundle-v1" --uninstall
    install_bundle "$work/bundle-v2"
    cmp -s "$work/user-config.toml" "$dest/config.toml" || fail "reinstall did not keep the config"
    expect_eq "$dest/service" "$(readlink "$link")" "service link after reinstall"
    ;;

  errors)
    set +e
    out="$("$work/bundle-v1/install-venus" --root "$work/nonexistent" 2>&1)"; rc=$?
    expect_eq "1" "$rc" "exit status for a missing root"
    expect_eq "install-venus: error: root directory $work/nonexistent does not exist" "$out" "message for a missing root"
    out="$("$work/bundle-v1/install-venus" --frobnicate 2>&1)"; rc=$?
    expect_eq "2" "$rc" "exit status for an unknown argument"
    expect_eq "install-venus: unknown argument: --frobnicate (see --help)" "$out" "message for an unknown argument"
    mkdir -p "$work/not-venus"
    out="$("$work/bundle-v1/install-venus" --root "$work/not-venus" 2>&1)"; rc=$?
    expect_eq "1" "$rc" "exit status without /data"
    expect_eq "install-venus: error: $work/not-venus/data does not exist: this is not a Venus OS device (or pass --root)" \
      "$out" "message without /data"
    rm "$work/bundle-v1/service/log/run"
    out="$("$work/bundle-v1/install-venus" --root "$root" 2>&1)"; rc=$?
    expect_eq "1" "$rc" "exit status for an incomplete bundle"
    expect_eq "install-venus: error: $work/bundle-v1 is not a bms-aggregator bundle: service/log/run is missing (build one with tools/build-armhf)" \
      "$out" "message for an incomplete bundle"
    expect_absent "$dest"
    out="$("$work/bundle-v2/install-venus" --root "$root" --enable 2>&1)"; rc=$?
    expect_eq "1" "$rc" "exit status for --enable before an install"
    set -e
    ;;

  *) echo "unknown case: $case_name" >&2; exit 2 ;;
esac
echo "PASS ($case_name)"
