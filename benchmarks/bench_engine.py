"""Process-engine benchmark: a 10-step process with one DMN decision, on SQLite and PostgreSQL.

Prints instances started+completed per second on one core (the process pinned to one CPU): one request at a time,
and with ``--workers`` requests in flight (threads, each with its own connection, as a server runs them); the p50/p95
latency of "complete a user task"; and the serialized size per instance. Runs against a throw-away test database:

    .venv/bin/python benchmarks/bench_engine.py                       # SQLite (file under a temp dir)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jg_bench .venv/bin/python benchmarks/bench_engine.py

The 10 elements: start → script → business-rule task (DMN) → gateway → service → script → user task → script →
service → end. Each instance is started (runs to the user task) and then the user task is completed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.test_settings")

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Defs_bench" targetNamespace="bench">
  <bpmn:process id="bench_ten_steps" name="基准流程" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="lane" name="case_officer">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>prepare</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>decide</bpmn:flowNodeRef><bpmn:flowNodeRef>gw</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>record</bpmn:flowNodeRef><bpmn:flowNodeRef>summarise</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>approve</bpmn:flowNodeRef><bpmn:flowNodeRef>stamp</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>notify</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="prepare"/>
    <bpmn:scriptTask id="prepare" name="准备"><bpmn:script>price = amount * 10000
funding_type = "state" if state_funded else "private"</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="prepare" targetRef="decide"/>
    <bpmn:businessRuleTask id="decide" name="是否公示">
      <bpmn:extensionElements><spiffworkflow:calledDecisionId>{decision}</spiffworkflow:calledDecisionId>
      </bpmn:extensionElements></bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="f3" sourceRef="decide" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" default="f4b"/>
    <bpmn:sequenceFlow id="f4a" sourceRef="gw" targetRef="record">
      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4b" sourceRef="gw" targetRef="record"/>
    <bpmn:serviceTask id="record" name="登记"><bpmn:extensionElements>
      <spiffworkflow:serviceTaskOperator id="bench.record" resultVariable="record">
        <spiffworkflow:parameters><spiffworkflow:parameter id="n" type="int" value="amount"/></spiffworkflow:parameters>
      </spiffworkflow:serviceTaskOperator></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f5" sourceRef="record" targetRef="summarise"/>
    <bpmn:scriptTask id="summarise" name="摘要"><bpmn:script>summary = "金额" + str(amount)</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f6" sourceRef="summarise" targetRef="approve"/>
    <bpmn:userTask id="approve" name="审批"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="formJsonSchemaFilename" value="approve.schema.json"/>
    </spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="f7" sourceRef="approve" targetRef="stamp"/>
    <bpmn:scriptTask id="stamp" name="盖章"><bpmn:script>stamped = approved</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f8" sourceRef="stamp" targetRef="notify"/>
    <bpmn:serviceTask id="notify" name="通知"><bpmn:extensionElements>
      <spiffworkflow:serviceTaskOperator id="bench.record" resultVariable="notified">
        <spiffworkflow:parameters><spiffworkflow:parameter id="n" type="int" value="1"/></spiffworkflow:parameters>
      </spiffworkflow:serviceTaskOperator></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f9" sourceRef="notify" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""
FORM = '{"type": "object", "required": ["approved"], "properties": {"approved": {"type": "boolean"}}}'


def setup_database() -> None:
    import django
    from django.conf import settings

    if "sqlite" in settings.DATABASES["default"]["ENGINE"]:
        settings.DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.mkdtemp()) / "bench.sqlite3")}
    else:
        settings.DATABASES["default"]["TEST"] = {"NAME": f"{settings.DATABASES['default']['NAME']}_engine"}
    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, serialize=False, autoclobber=True)


def publish(decision: str, condition: str):
    from processes.engine import definitions, registry

    @registry.service("bench.record")
    def record(ctx):
        return {"n": ctx.params["n"], "instance": ctx.instance.pk}

    directory = Path(tempfile.mkdtemp()) / "bench"
    directory.mkdir()
    (directory / "bench.bpmn").write_text(BPMN.replace("{decision}", decision).replace("{condition}", condition))
    (directory / "approve.schema.json").write_text(FORM)
    return definitions.publish_directory(directory)[0][0]


def run(count: int, workers: int = 1) -> dict[str, Any]:
    from domain.organisations import demo as org_demo
    from domain.organisations.models import User
    from processes import engine
    from processes.models import InstanceStatus, ProcessInstance
    from tasks.models import WorkItem, WorkItemStatus

    org_demo.load(lambda _m: None)
    officer = User.objects.get(username="officer_pd")

    def ready_task_id(instance) -> str:
        # what a client does: the task id comes from the inbox (the open work item), not from the engine's state
        return WorkItem.objects.filter(instance_id=instance.pk, status=WorkItemStatus.OPEN).values_list(
            "task_id", flat=True).get()

    def one(i: int) -> float:
        instance = engine.start("bench_ten_steps", variables={"amount": 100 + i % 900, "state_funded": i % 2 == 0,
                                                              "district_code": "310115"}, acting_user=officer)
        task_id = ready_task_id(instance)
        began = time.perf_counter()
        instance = engine.complete_task(instance.pk, task_id, data={"approved": True}, acting_user=officer)
        elapsed = time.perf_counter() - began
        assert instance.status == InstanceStatus.COMPLETED, instance.error_message
        return elapsed

    for i in range(20):  # warm-up: caches, connections
        one(i)
    concurrent = concurrent_rate(one, count, workers) if workers > 1 else None
    latencies = []
    began, cpu_began = time.perf_counter(), time.process_time()
    for i in range(count):
        latencies.append(one(i))
    total = time.perf_counter() - began
    cpu = time.process_time() - cpu_began
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        for i in range(10):
            one(i)
    queries = len(captured.captured_queries) / 10
    sizes = [len(s.encode()) for s in ProcessInstance.objects.values_list("state", flat=True)]
    with connection.cursor() as cursor:  # as stored: SM4-GCM ciphertext, base64
        cursor.execute("SELECT length(state) FROM processes_processinstance")
        stored = [n for (n,) in cursor.fetchall()]
    latencies.sort()
    return {
        "instances_per_second": count / total,
        "cpu_ms_per_instance": cpu / count * 1000,
        "complete_p50_ms": statistics.median(latencies) * 1000,
        "complete_p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "queries_per_instance": queries,
        "serialized_bytes_mean": statistics.mean(sizes),
        "serialized_bytes_max": max(sizes),
        "stored_bytes_mean": statistics.mean(stored),
        "concurrent": concurrent,
    }


def concurrent_rate(one: Any, count: int, workers: int) -> dict[str, float]:
    """Instances per second with ``workers`` threads in this one process (one core: the process is pinned to one
    CPU when the OS allows it), each with its own database connection: while one request waits for PostgreSQL
    (round trips, the commit's fsync) another runs, as in a server handling several requests. CPU per instance
    is then the ceiling: 1000 / CPU ms."""
    import threading

    from django.db import connection

    latencies: list[float] = []
    failures: list[BaseException] = []

    def worker(offset: int) -> None:
        try:
            for i in range(offset, count, workers):
                latencies.append(one(i))
        except BaseException as exc:  # reported after the run, never swallowed
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(workers)]
    began, cpu_began = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    if failures:
        raise failures[0]
    latencies.sort()
    return {
        "workers": workers,
        "instances_per_second": count / total,
        "cpu_ms_per_instance": cpu / count * 1000,
        "complete_p50_ms": statistics.median(latencies) * 1000,
        "complete_p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
    }


def pin_to_one_core() -> str:
    """Run this process on one CPU (the issue's "one core"); the database server's processes are not pinned."""
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
    except (AttributeError, OSError):  # not Linux: say so rather than pretend
        return "not pinned (this OS cannot pin a process)"
    return f"pinned to CPU {cpu}"


def install_phase_timers() -> dict[str, list[float]]:
    """Wrap the engine's step functions with wall-clock timers: where an instance's time goes (``--phases``).

    Nested phases overlap (the audit batch runs inside the save), so the figures do not add up to the total."""
    from django.db.backends.base import base

    from processes.engine import history, inbox, runtime, session
    from security import chain

    totals: dict[str, list[float]] = {}

    def wrap(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                entry = totals.setdefault(label, [0.0, 0])
                entry[0] += time.perf_counter() - began
                entry[1] += 1

        setattr(owner, name, timed)

    wrap(runtime, "lock", "lock the instance (read + FOR UPDATE)")
    wrap(session.Session, "run", "SpiffWorkflow engine steps")
    wrap(session, "load_state", "SpiffWorkflow state load")
    wrap(session, "dump_state", "SpiffWorkflow state dump")
    wrap(runtime, "new_workflow", "SpiffWorkflow new workflow")
    wrap(session.Session, "_write", "save instance state")
    wrap(history, "append", "history rows")
    wrap(inbox, "sync", "inbox sync (work items, candidates)")
    wrap(chain, "append_many", "audit chain (head swap + events)")
    wrap(base.BaseDatabaseWrapper, "commit", "commit")
    return totals


def machine_reference() -> dict[str, float]:
    """Figures of the machine itself, so that runs on different machines can be compared: a fixed pure-Python
    workload, one database round trip and one committed one-row write (the floor under every engine step)."""
    import json

    from django.db import connection, transaction

    payload = {"tasks": [{"id": i, "state": "READY", "data": {"amount": i * 10, "ok": True}} for i in range(50)]}
    began = time.perf_counter()
    for _ in range(2000):
        json.loads(json.dumps(payload))
    python_ms = (time.perf_counter() - began) * 1000
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_probe (n integer)")
        began = time.perf_counter()
        for _ in range(500):
            cursor.execute("SELECT 1")
            cursor.fetchone()
        round_trip_ms = (time.perf_counter() - began) * 1000 / 500
        began = time.perf_counter()
        for i in range(200):
            with transaction.atomic():
                cursor.execute("INSERT INTO bench_probe (n) VALUES (%s)", [i])
        commit_ms = (time.perf_counter() - began) * 1000 / 200
        cursor.execute("DROP TABLE bench_probe")
    return {"python_ms": python_ms, "round_trip_ms": round_trip_ms, "commit_ms": commit_ms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--decision", default="contracts_public_notice", help="a decision id under decisions/tables")
    parser.add_argument("--condition", default="notice_required", help="gateway condition on the decision output")
    parser.add_argument("--phases", action="store_true", help="also print where an instance's time goes")
    parser.add_argument("--workers", type=int, default=4,
                        help="threads for the concurrent figure (1: serial only)")
    args = parser.parse_args()
    pinned = pin_to_one_core()
    setup_database()
    from django.db import connection

    publish(args.decision, args.condition)
    reference = machine_reference()
    phases = install_phase_timers() if args.phases else {}
    figures = run(args.count, args.workers)
    print(f"engine benchmark on {connection.vendor} ({args.count} instances, 10 steps, decision {args.decision})")
    print(f"  this process: {pinned}")
    print(f"  instances started+completed per second, one request at a time: {figures['instances_per_second']:.1f}")
    concurrent = figures["concurrent"]
    if concurrent:
        print(f"  instances started+completed per second, {concurrent['workers']} requests in flight on the one core: "
              f"{concurrent['instances_per_second']:.1f} (CPU {concurrent['cpu_ms_per_instance']:.1f} ms/instance, "
              f"complete-task p50 {concurrent['complete_p50_ms']:.1f} ms, p95 {concurrent['complete_p95_ms']:.1f} ms)")
    print(f"  CPU time of this process per instance: {figures['cpu_ms_per_instance']:.1f} ms "
          f"(the rest is waiting for the database: commits, round trips)")
    print(f"  database queries per instance (start + complete): {figures['queries_per_instance']:.1f}")
    print(f"  complete-task latency p50: {figures['complete_p50_ms']:.1f} ms, p95: {figures['complete_p95_ms']:.1f} ms")
    print(f"  serialized size per instance: mean {figures['serialized_bytes_mean']:.0f} B, "
          f"max {figures['serialized_bytes_max']:.0f} B (stored SM4-encrypted: mean {figures['stored_bytes_mean']:.0f} B)")
    print(f"  machine reference: fixed Python workload {reference['python_ms']:.0f} ms, database round trip "
          f"{reference['round_trip_ms']:.2f} ms, committed one-row write {reference['commit_ms']:.2f} ms")
    if phases:
        measured = args.count + 30  # the warm-up and the statement count run the engine too
        print(f"  where an instance's time goes (ms per instance, wall clock, {measured} instances; phases nest):")
        for label, (seconds, calls) in sorted(phases.items(), key=lambda item: -item[1][0]):
            print(f"    {label:42s} {seconds * 1000 / measured:6.2f} ms  ({calls / measured:.1f} calls)")
    connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
