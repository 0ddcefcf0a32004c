#!/usr/bin/env bash
# Serve the platform on its embedded defaults with demo data: SQLite under var/, jobs eager, local Prefect.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEMO="${DEMO:-1}"
PY=.venv/bin/python
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
mkdir -p var/log

$PY manage.py migrate --no-input -v0
$PY manage.py load_demo

# Background services the embedded default needs (each script under scripts/services.d/ starts one and
# prints its pid); they stop when this script exits.
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
if [ -d scripts/services.d ]; then
  for svc in scripts/services.d/*.sh; do
    [ -e "$svc" ] || continue
    pid=$(bash "$svc") && pids+=("$pid")
  done
fi

cat <<TXT

  建管平台已启动: http://${HOST}:${PORT}/
  API 文档:       http://${HOST}:${PORT}/api/docs/
  演示账户（密码均为 jianguan-demo）:
    admin · officer_pd reviewer_pd approver_pd · officer_hp · officer_mh
    officer_city reviewer_city approver_city legal_city · leader
    ent_contractor ent_employer ent_lessor （法定代表人: *_legal） · supervisor_eng
    inspector_pd1 … · person_zhang person_li person_wang（完整列表见 README）
  Prefect（定时任务）: http://127.0.0.1:${PREFECT_PORT:-4200}/

TXT
$PY manage.py runserver "${HOST}:${PORT}" --insecure
