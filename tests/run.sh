#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh machine and runs it.
# Extra arguments go to pytest (for example: tests/run.sh -k cli).
set -euo pipefail
cd "$(dirname "$0")/.."

# Real parts for the tests that start them: PostgreSQL and an OpenSSH server on
# 127.0.0.1, tmux to drive a terminal.
need=()
command -v tmux >/dev/null || need+=(tmux)
command -v ssh >/dev/null || need+=(openssh-client)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "tests/run.sh: ${need[*]} missing and not root: those tests will be skipped" >&2
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'

.venv/bin/ruff check src tests
# One worker per core: the suite waits on servers and screens more than it computes.
exec .venv/bin/pytest -n auto --dist worksteal "$@"
