#!/usr/bin/env bash
# Starts the local Prefect server and the runner that serves the flows' schedules; prints the runner's pid.
# Logs: var/log/prefect-server.log, var/log/prefect-runner.log.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PREFECT_HOME="${PREFECT_HOME:-$PWD/var/prefect}"
export PREFECT_API_URL="http://127.0.0.1:${PREFECT_PORT:-4200}/api"
export PREFECT_SERVER_ANALYTICS_ENABLED=false PREFECT_UI_ENABLED="${PREFECT_UI_ENABLED:-true}"
mkdir -p var/log "$PREFECT_HOME"
if ! curl -fs "$PREFECT_API_URL/health" >/dev/null 2>&1; then
  setsid .venv/bin/prefect server start --host 127.0.0.1 --port "${PREFECT_PORT:-4200}" \
    >var/log/prefect-server.log 2>&1 < /dev/null &
  echo $! > var/prefect-server.pid
  for _ in $(seq 90); do curl -fs "$PREFECT_API_URL/health" >/dev/null 2>&1 && break; sleep 1; done
fi
setsid .venv/bin/python -m flows.serve >var/log/prefect-runner.log 2>&1 < /dev/null &
echo $!
