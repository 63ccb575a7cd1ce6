#!/bin/sh
# Sets up what is missing, then starts Dukan on the shop's default database.
set -eu
cd "$(dirname "$0")/.."
sh scripts/bootstrap.sh run
exec .venv/bin/python -m app "$@"
