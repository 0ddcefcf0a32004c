#!/usr/bin/env bash
# Runs pytest; a run that collects no test is a failure (exit 5 would otherwise look like "nothing wrong").
set -uo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pytest "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: treating as a failure" >&2
  exit 1
fi
exit "$rc"
