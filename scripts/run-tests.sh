#!/usr/bin/env bash
# Run every test. PostgreSQL tests use CARRIERE_TEST_POSTGRES_URL when set, otherwise the
# fixture starts a server (see tests/conftest.py).
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m pytest "$@"
