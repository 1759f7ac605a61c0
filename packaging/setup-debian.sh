#!/usr/bin/env bash
# Installs what Cepheid needs to build and test on Debian 12 (bookworm). Safe to run again: when every package
# is already installed it does nothing, so it also works without network access.
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config git python3
    qt6-base-dev qt6-charts-dev qt6-svg-dev libqt6opengl6-dev libgl-dev
    libsimdjson-dev libre2-dev libsqlite3-dev libboost-dev zlib1g-dev libssl-dev libexpected-dev libcli11-dev
    libzstd-dev # case files: raw records and event columns (docs/case-format.md)
    # The Sysmon readers: libevtx.h includes libbfio.h, which libevtx-dev does not bring; the tests check the EVTX
    # reader against libevtx-utils' evtxexport.
    libexpat1-dev libevtx-dev libbfio-dev libevtx-utils
    xvfb xauth clang-format desktop-file-utils appstream poppler-utils
    clang libclang-rt-14-dev
    # tst_clickhouse starts a private server of its own (docs/clickhouse.md, "Testing"), with a certificate the openssl
    # command makes for its TLS checks; Cepheid itself needs neither.
    clickhouse-server openssl
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "setup-debian: all ${#packages[@]} packages are installed"
    exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup-debian: run as root or install sudo" >&2; exit 1; }
    sudo="sudo"
fi
echo "setup-debian: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
