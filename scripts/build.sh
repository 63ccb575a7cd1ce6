#!/bin/sh
# Builds the one-folder dist/dukan from build.spec, then checks it runs: selftest, migrate on a
# new file, and the window offscreen (shown, a receipt saved as PDF, closed).
# Usage: sh scripts/build.sh        (Linux; Windows and macOS: the README's Packaging)
set -eu
cd "$(dirname "$0")/.."

# Qt's system libraries, the X11 ones included: PyInstaller bundles what the build machine has
# and silently leaves out what it lacks. Then .venv, if it is not there yet.
sh scripts/bootstrap.sh run
# PyInstaller needs binutils on Linux (objdump, objcopy; strip too), which a bare Debian lacks.
if [ "$(uname -s)" = Linux ] && ! command -v objdump >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    echo "Installing binutils for PyInstaller"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends binutils
fi
# PyInstaller from the `build` extra, installed again only when pyproject.toml changed.
wanted_stamp="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f .venv/.installed-build ] || [ "$(cat .venv/.installed-build)" != "$wanted_stamp" ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[build]"
    echo "$wanted_stamp" > .venv/.installed-build
fi

echo "== pyinstaller build.spec"
.venv/bin/pyinstaller --noconfirm --log-level WARN build.spec

dukan=dist/dukan/dukan
scratch="$(mktemp -d "${TMPDIR:-/tmp}/dukan-build.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
echo "== $dukan selftest"
"$dukan" selftest
echo "== $dukan migrate --db $scratch/smoke.db"
"$dukan" migrate --db "$scratch/smoke.db"
echo "== $dukan (window offscreen, receipt PDF)"
QT_QPA_PLATFORM=offscreen DUKAN_DATA_DIR="$scratch/data" DUKAN_QUIT_WHEN_SHOWN=1 \
    DUKAN_SMOKE_PDF="$scratch/receipt.pdf" "$dukan"
head -c 5 "$scratch/receipt.pdf" | grep -q "%PDF-" || { echo "no receipt PDF written" >&2; exit 1; }
echo "== built: $(du -sh dist/dukan | cut -f1) in dist/dukan"
