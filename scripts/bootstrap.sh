#!/bin/sh
# Sets up a fresh Debian machine for Dukan: Qt's system libraries, then .venv with the package.
# Usage: sh scripts/bootstrap.sh [run|test]   ("test" adds pytest, ruff, mypy and friends)
set -eu
cd "$(dirname "$0")/.."

# Libraries the Qt wheels load: the first line is enough offscreen (tests, CI); the rest is
# what the X11 platform plugin needs to show a real window.
QT_LIBS="libegl1 libgl1 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0 fonts-dejavu-core"
WINDOW_LIBS="libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0"

wanted="$QT_LIBS"
[ "${1:-run}" = "run" ] && wanted="$wanted $WINDOW_LIBS"
missing=""
if command -v dpkg-query >/dev/null 2>&1; then
    for package in $wanted; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" \
            || missing="$missing $package"
    done
fi
# Debian's own python3 needs python3-venv for `python3 -m venv`.
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || missing="$missing python3-venv"
if [ -n "$missing" ]; then
    echo "Installing Debian packages Qt needs:$missing"
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
# Install only when pyproject.toml changed since the last install: the till then starts
# without a network and without waiting for pip.
mode="${1:-run}"
wanted_stamp="$(sha256sum pyproject.toml | cut -d' ' -f1)"
stamp_matches() { [ -f ".venv/.installed-$1" ] && [ "$(cat ".venv/.installed-$1")" = "$wanted_stamp" ]; }
if stamp_matches test || { [ "$mode" = "run" ] && stamp_matches run; }; then
    exit 0
fi
extras=""
[ "$mode" = "test" ] && extras="[test]"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".$extras"
echo "$wanted_stamp" > ".venv/.installed-$mode"
