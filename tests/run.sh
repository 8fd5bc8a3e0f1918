#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh machine and runs it.
# Extra arguments go to pytest (for example: tests/run.sh -k cli).
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'

.venv/bin/ruff check src tests
exec .venv/bin/pytest "$@"
