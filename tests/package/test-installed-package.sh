#!/usr/bin/env bash
# Builds the Debian packages of a configured build folder and tests them as a user gets them:
#
#   bash tests/package/test-installed-package.sh BUILD_DIR     (e.g. build/package: cmake --preset package)
#
# The packages are unpacked (dpkg -x) into a scratch root, not a chroot made of the host's files: what runs there
# is the packaged files, with only the host's libraries under them. Checked:
#  - the package metadata: cepheid-cli's Depends name no Qt, cepheid depends on cepheid-cli of the same version,
#    each package holds its files and none holds another's; dpkg accepts both on this host, and apt, as on a system
#    with nothing installed, resolves every Depends from Debian 12's archive (dry runs: nothing is installed);
#  - cepheid-cli needs no Qt: no Qt in its NEEDED entries or in ldd's closure, every library resolves, and it runs
#    (--version, score, import, JSON report) with every Qt library on the host hidden (a private mount namespace
#    with /dev/null over each libQt6*, when unshare works here);
#  - HTML and PDF reports through the installed cepheid-cli-reports, and without it the message naming the package;
#  - the installed workbench, offscreen, opens the bundled sample it finds through its own share folder (the
#    system's data folders are pointed elsewhere) and exits 0 after a screenshot.
# With a build of CEPHEID_BUILD_GUI=OFF there is one package (cepheid-cli) and the workbench checks are left out.
# Needs: cmake, dpkg-deb, ldd, readelf, python3 (all in packaging/setup-debian.sh's list); as root, also unshare.
set -euo pipefail

build=$(cd "${1:?usage: test-installed-package.sh BUILD_DIR}" && pwd)
[ -f "$build/CMakeCache.txt" ] || { echo "test-installed-package: $build is not a configured build folder" >&2; exit 2; }
work=$(mktemp -d /tmp/cepheid-package-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
started=$SECONDS
failures=0
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*" >&2; failures=$((failures + 1)); }
check() { # check DESCRIPTION COMMAND...: passes when the command succeeds
    local what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}

# --- Build the packages ------------------------------------------------------------------------------------------
rm -f "$build"/cepheid-cli_*.deb "$build"/cepheid_*.deb
cmake --build "$build" --target package
shopt -s nullglob
cli_debs=("$build"/cepheid-cli_*.deb)
gui_debs=("$build"/cepheid_*.deb)
shopt -u nullglob
[ ${#cli_debs[@]} -eq 1 ] || { echo "test-installed-package: expected one cepheid-cli_*.deb in $build" >&2; exit 1; }
[ ${#gui_debs[@]} -le 1 ] || { echo "test-installed-package: more than one cepheid_*.deb in $build" >&2; exit 1; }
cli_deb=${cli_debs[0]}
gui_deb=${gui_debs[0]:-}
version=$(dpkg-deb -f "$cli_deb" Version)
echo "packages: $(basename "$cli_deb") $(du -h "$cli_deb" | cut -f1)${gui_deb:+, $(basename "$gui_deb") $(du -h "$gui_deb" | cut -f1)}"

# --- Package metadata ---------------------------------------------------------------------------------------------
cli_depends=$(dpkg-deb -f "$cli_deb" Depends)
echo "cepheid-cli Depends: $cli_depends"
check "cepheid-cli's Depends name no Qt library" bash -c "! grep -qi 'qt' <<<\"\$1\"" _ "$cli_depends"
check "cepheid-cli's Depends were computed (libc6, libre2)" \
    bash -c "grep -q 'libc6' <<<\"\$1\" && grep -q 'libre2' <<<\"\$1\"" _ "$cli_depends"
check "cepheid-cli has a Maintainer" test -n "$(dpkg-deb -f "$cli_deb" Maintainer)"
contents() { dpkg-deb -c "$1" | awk '{print $6}' | sed 's|^\./|/|' | grep -v '/$' | sort; }
contents "$cli_deb" >"$work/cli.files"
for file in /usr/bin/cepheid-cli /usr/share/man/man1/cepheid-cli.1 /usr/share/doc/cepheid-cli/copyright \
    /usr/share/cepheid/samples/chronicle-udm-sample.ndjson.gz; do
    check "cepheid-cli holds $file" grep -qx "$file" "$work/cli.files"
done
check "cepheid-cli holds nothing of the workbench" bash -c "! grep -Eq 'libexec|applications|metainfo|icons|/cepheid\$' \"\$1\"" _ "$work/cli.files"
if [ -n "$gui_deb" ]; then
    gui_depends=$(dpkg-deb -f "$gui_deb" Depends)
    echo "cepheid Depends: $gui_depends"
    check "cepheid depends on cepheid-cli (= $version)" grep -q "cepheid-cli (= $version)" <<<"$gui_depends"
    check "cepheid's Depends were computed (libqt6widgets6)" grep -q "libqt6widgets6" <<<"$gui_depends"
    contents "$gui_deb" >"$work/gui.files"
    for file in /usr/bin/cepheid /usr/libexec/cepheid/cepheid-cli-reports /usr/share/man/man1/cepheid.1 \
        /usr/share/applications/io.github.cepheid.Cepheid.desktop \
        /usr/share/metainfo/io.github.cepheid.Cepheid.metainfo.xml \
        /usr/share/icons/hicolor/scalable/apps/io.github.cepheid.Cepheid.svg /usr/share/doc/cepheid/copyright; do
        check "cepheid holds $file" grep -qx "$file" "$work/gui.files"
    done
    check "no file is in both packages" test -z "$(comm -12 "$work/cli.files" "$work/gui.files")"
fi
# The Depends, judged by dpkg and apt (dry runs: nothing is installed). dpkg checks them against this host; apt, with
# an empty package status, as on a system with nothing installed, resolves them from the archive's package lists
# (Debian 12's, as apt-get update left them), so it says whether a fresh Debian 12 can install the packages.
debs=("$cli_deb" ${gui_deb:+"$gui_deb"})
if [ "$(id -u)" -eq 0 ]; then
    if dpkg --dry-run -i "${debs[@]}" >"$work/dpkg.log" 2>&1; then
        pass "dpkg --dry-run -i accepts the packages on this host"
    else
        fail "dpkg --dry-run -i accepts the packages on this host"
        cat "$work/dpkg.log" >&2
    fi
else
    echo "skip dpkg --dry-run -i (not root)"
fi
if apt-cache show libc6 >/dev/null 2>&1; then
    : >"$work/empty-status"
    fresh() { apt-get -o Dir::State::status="$work/empty-status" install --simulate --no-install-recommends "$@"; }
    if fresh "$cli_deb" >"$work/apt-cli.log" 2>&1; then
        pass "apt on an empty system: cepheid-cli installs with $(grep -c '^Inst' "$work/apt-cli.log") package(s)"
        check "apt on an empty system: cepheid-cli pulls in no Qt package" \
            bash -c "! grep '^Inst' \"\$1\" | grep -qi 'qt'" _ "$work/apt-cli.log"
    else
        fail "apt on an empty system: cepheid-cli's Depends resolve"
        cat "$work/apt-cli.log" >&2
    fi
    if [ -n "$gui_deb" ]; then
        if fresh "$cli_deb" "$gui_deb" >"$work/apt-gui.log" 2>&1; then
            pass "apt on an empty system: cepheid and cepheid-cli install with $(grep -c '^Inst' "$work/apt-gui.log") package(s)"
        else
            fail "apt on an empty system: cepheid's Depends resolve"
            cat "$work/apt-gui.log" >&2
        fi
        # cepheid-cli is in no archive: cepheid alone must be refused for want of it.
        if fresh "$gui_deb" >"$work/apt-gui-alone.log" 2>&1; then
            fail "apt on an empty system refuses cepheid without cepheid-cli"
        else
            check "apt on an empty system refuses cepheid without cepheid-cli" grep -q 'cepheid-cli' "$work/apt-gui-alone.log"
        fi
    fi
else
    echo "skip apt's dry runs (no package lists: apt-get update has not run)"
fi

# --- Unpack into a scratch root -----------------------------------------------------------------------------------
root=$work/root
for deb in "${debs[@]}"; do dpkg -x "$deb" "$root"; done
cli=$root/usr/bin/cepheid-cli
sample=$root/usr/share/cepheid/samples/chronicle-udm-sample.ndjson.gz

# --- cepheid-cli needs no Qt ---------------------------------------------------------------------------------------
needed=$(readelf -d "$cli" | awk '/NEEDED/ {print $NF}' | tr -d '[]' | tr '\n' ' ')
echo "cepheid-cli NEEDED: $needed"
check "cepheid-cli's NEEDED entries name no Qt" bash -c "! grep -qi 'qt' <<<\"\$1\"" _ "$needed"
ldd "$cli" >"$work/ldd.txt"
check "ldd: every library of cepheid-cli resolves" bash -c "! grep -q 'not found' \"\$1\"" _ "$work/ldd.txt"
check "ldd: no libQt6 in cepheid-cli's closure ($(wc -l <"$work/ldd.txt") libraries)" \
    bash -c "! grep -q 'libQt6' \"\$1\"" _ "$work/ldd.txt"

run_cli_checks() { # run_cli_checks LABEL: the command line on the installed sample
    local label=$1
    check "$label: cepheid-cli --version is $version" test "$("$cli" --version)" = "cepheid-cli $version"
    "$cli" score --output "$work/score.json" "$sample" 2>"$work/score.err" || true
    check "$label: score of the installed sample lists findings" python3 -c '
import json, sys
report = json.load(open(sys.argv[1]))
flows, summary = report["flows"], report["summary"]
print(f"       {summary['"'"'events_read'"'"']} events, {len(flows)} findings, {summary['"'"'flows_firing'"'"']} firing the rule")
sys.exit(0 if flows and summary["events_read"] > 0 else 1)' "$work/score.json"
    rm -f "$work/$label.cepheid"
    check "$label: import --case" bash -c '"$@" >/dev/null' _ "$cli" import --case "$work/$label.cepheid" "$sample"
    check "$label: report --format json from the case" \
        bash -c "\"\$1\" report --case \"\$2\" --format json | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)[\"flows\"] else 1)'" \
        _ "$cli" "$work/$label.cepheid"
}
run_cli_checks installed

# Every Qt library of the host hidden: in a private mount namespace, /dev/null is mounted over each of them.
if [ "$(id -u)" -eq 0 ] && unshare --mount --propagation private true 2>/dev/null; then
    cat >"$work/without-qt.sh" <<'EOF'
set -eu
hidden=0
for library in $(ldconfig -p | awk '/libQt6/ {print $NF}' | xargs -r readlink -f | sort -u); do
    mount --bind /dev/null "$library" && hidden=$((hidden + 1))
done
echo "       $hidden Qt 6 libraries hidden"
shift
exec "$@"
EOF
    check "cepheid-cli runs with every Qt library hidden (--version, score, import, json report)" \
        unshare --mount --propagation private bash "$work/without-qt.sh" _ bash -c "$(declare -f pass fail check run_cli_checks)
            set -u; failures=0; $(printf 'version=%q cli=%q sample=%q work=%q' "$version" "$cli" "$sample" "$work")
            run_cli_checks without-qt; exit \$failures"
    if [ -n "$gui_deb" ]; then
        # The same hiding does stop the renderer, which proves it hides something.
        check "with Qt hidden, cepheid-cli-reports cannot start (the hiding works)" \
            unshare --mount --propagation private bash "$work/without-qt.sh" _ bash -c \
            "! \"\$1\" report --case \"\$2\" --format html --output /dev/null 2>/dev/null" _ "$cli" "$work/installed.cepheid"
    fi
else
    echo "skip running cepheid-cli with Qt hidden (needs root and unshare); the NEEDED and ldd checks above stand"
fi

# --- HTML and PDF reports ------------------------------------------------------------------------------------------
case=$work/installed.cepheid
if [ -n "$gui_deb" ]; then
    # No display and no platform named: the renderer picks the offscreen platform itself.
    if env -u QT_QPA_PLATFORM -u DISPLAY -u WAYLAND_DISPLAY "$cli" report --case "$case" --format html \
        --output "$work/report.html" 2>"$work/html.err"; then
        check "report --format html through the installed cepheid-cli-reports ($(du -h "$work/report.html" | cut -f1))" \
            bash -c "grep -q '<svg' \"\$1\" && grep -qi '</html>' \"\$1\"" _ "$work/report.html"
    else
        fail "report --format html through the installed cepheid-cli-reports"
        cat "$work/html.err" >&2
    fi
    if "$cli" report --case "$case" --format pdf --output "$work/report.pdf" 2>"$work/pdf.err"; then
        check "report --format pdf through it ($(du -h "$work/report.pdf" | cut -f1))" \
            bash -c "head -c 5 \"\$1\" | grep -q '%PDF-'" _ "$work/report.pdf"
    else
        fail "report --format pdf through the installed cepheid-cli-reports"
        cat "$work/pdf.err" >&2
    fi
    mv "$root/usr/libexec/cepheid/cepheid-cli-reports" "$work/cepheid-cli-reports.away"
fi
# Without the workbench package (or with a GUI=OFF build), HTML says what to install, exit 2.
set +e
"$cli" report --case "$case" --format html >"$work/absent.out" 2>"$work/absent.err"
status=$?
set -e
check "without cepheid-cli-reports: report --format html exits 2 and names the package" \
    bash -c "[ $status -eq 2 ] && [ ! -s \"\$1\" ] && grep -q 'need the workbench package (cepheid)' \"\$2\"" \
    _ "$work/absent.out" "$work/absent.err"
if [ -n "$gui_deb" ]; then
    mv "$work/cepheid-cli-reports.away" "$root/usr/libexec/cepheid/cepheid-cli-reports"
fi

# --- The workbench -------------------------------------------------------------------------------------------------
if [ -n "$gui_deb" ]; then
    gui=$root/usr/bin/cepheid
    check "cepheid --version is $version" bash -c "\"\$1\" --version | grep -qx 'cepheid $version'" _ "$gui"
    # Its own settings and data folders; the system's data folders point at an empty one, so the sample can only
    # be found beside the installation (usr/bin/../share).
    mkdir -p "$work/home" "$work/xdg-empty"
    if env -u DISPLAY -u WAYLAND_DISPLAY HOME="$work/home" XDG_CONFIG_HOME="$work/home/config" \
        XDG_DATA_HOME="$work/home/data" XDG_DATA_DIRS="$work/xdg-empty" XDG_RUNTIME_DIR="$work/home" \
        QT_QPA_PLATFORM=offscreen timeout 180 "$gui" --sample --screenshot "$work/gui.png" --size 1366x768 \
        >"$work/gui.log" 2>&1; then
        check "the workbench opens its bundled sample offscreen and exits 0 ($(du -h "$work/gui.png" | cut -f1) PNG)" \
            bash -c "head -c 8 \"\$1\" | grep -q PNG" _ "$work/gui.png"
    else
        fail "the workbench opens its bundled sample offscreen and exits 0"
        cat "$work/gui.log" >&2
    fi
    # And says so when the sample is not installed (cepheid without cepheid-cli's files).
    mv "$sample" "$work/sample.away"
    set +e
    env HOME="$work/home" XDG_DATA_DIRS="$work/xdg-empty" XDG_DATA_HOME="$work/home/data" QT_QPA_PLATFORM=offscreen \
        timeout 60 "$gui" --sample >/dev/null 2>"$work/nosample.err"
    status=$?
    set -e
    mv "$work/sample.away" "$sample"
    check "without the sample, cepheid --sample exits 1 and says so" \
        bash -c "[ $status -eq 1 ] && grep -q 'sample is not installed' \"\$1\"" _ "$work/nosample.err"
fi

echo "test-installed-package: $failures failure(s), $((SECONDS - started)) s (packaging included)"
[ "$failures" -eq 0 ]
