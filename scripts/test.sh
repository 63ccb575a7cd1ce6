#!/bin/sh
# Sets up what is missing, then runs the linters, the type checker and the whole test suite.
set -eu
cd "$(dirname "$0")/.."
sh scripts/bootstrap.sh test
export QT_QPA_PLATFORM=offscreen
# One command a line: `set -e` ignores a failure anywhere in an && list but its last command,
# which once let a ruff finding through CI.
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
.venv/bin/python -m pytest "$@"
