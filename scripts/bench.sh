#!/usr/bin/env bash
# Runs every benchmark under benchmarks/ (each prints its figures). Pass a name to run one: scripts/bench.sh engine
set -euo pipefail
cd "$(dirname "$0")/.."
for b in benchmarks/bench_*.py; do
  [ -e "$b" ] || { echo "no benchmarks yet"; exit 0; }
  name=$(basename "$b" .py); name=${name#bench_}
  if [ $# -gt 0 ] && [ "$1" != "$name" ]; then continue; fi
  echo "== $name"
  .venv/bin/python "$b"
done
