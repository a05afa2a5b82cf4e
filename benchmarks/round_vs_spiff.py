"""A whole round, each step durable, against the same process run by a peer engine (SpiffWorkflow 3).

consultflow: import the draft, start the round (50 units), 50 replies with two comments each (100
comments), the deadline sweep, 100 decisions, submit for legality review, approve, issue — each step one
service call and one committed transaction with its audit events and notices, on a SQLite file.

SpiffWorkflow: ``benchmarks/round.bpmn`` (the same steps as user tasks, replies and decisions as parallel
multi-instance tasks), each completed task followed by the library's JSON serializer writing the whole
workflow to a SQLite file opened by the same ``make_engine`` (same WAL, synchronous and locking settings),
one commit per step — the way a Spiff application persists. Also run in memory, for reference."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from benchmarks.live import STAFF, database, fresh_engine, office_with_units, open_round
from kernel.actors import Actor, Role
from kernel.clock import FixedClock
from storage.db import make_engine
from storage.uow import UnitOfWork, uow_factory
from workflow.comment_input import CommentInput
from workflow.services.deadlines import sweep
from workflow.services.decisions import Decide, decide
from workflow.services.issuance import issue
from workflow.services.replies import SubmitReply, submit_reply
from workflow.services.review import record_review, submit_review

BPMN = Path(__file__).with_name("round.bpmn")
UNITS = 50
COMMENTS_PER_REPLY = 2
REVIEWER = Actor("市司法局", Role.reviewer)
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # a Monday, 09:00 in Beijing


def _comments(n: int) -> list[CommentInput]:
    return [
        CommentInput(target="序号1", text=f"建议补充第{n}项具体措施。", basis="", reason="便于落实"),
        CommentInput(target="序号2", text=f"第{n}条表述建议修改。", basis="", reason=""),
    ]


def _one_round(engine: Engine, clock: FixedClock, office: int, units: list[tuple[int, str]], serial: int) -> int:
    """One whole round through the services; returns the number of committed steps."""
    steps = 0
    round_id = open_round(engine, clock, office, clock.now() + timedelta(hours=1), serial)
    steps += 2  # the draft imported, the round started (solicitation notices queued)
    clock.advance(timedelta(minutes=1))
    for unit_id, name in units:
        with UnitOfWork(engine) as uow:
            submit_reply(
                uow, clock, Actor(name, Role.unit), SubmitReply(round_id, unit_id=unit_id, comments=_comments(unit_id))
            )
        steps += 1
    clock.advance(timedelta(hours=1))
    result = sweep(uow_factory(engine), clock)
    assert result.enforced_rounds == 1
    steps += 1
    with UnitOfWork(engine) as uow:
        queue = [c.id or 0 for c, *_rest in uow.replies.decision_queue(round_id)]
    assert len(queue) == len(units) * COMMENTS_PER_REPLY
    for n, comment_id in enumerate(queue):
        with UnitOfWork(engine) as uow:
            if n % 2:
                decide(uow, clock, STAFF, Decide(comment_id, "rejected", "与上位文件规定不一致。"))
            else:
                decide(uow, clock, STAFF, Decide(comment_id, "adopted"))
        steps += 1
    with UnitOfWork(engine) as uow:
        submit_review(uow, clock, STAFF, round_id)
    with UnitOfWork(engine) as uow:
        record_review(uow, clock, REVIEWER, round_id, approve=True, reviewer="市司法局", opinion="同意印发。")
    with UnitOfWork(engine) as uow:
        issue(uow, clock, STAFF, round_id, f"孝政发〔2026〕{serial}号")
    return steps + 3


def bench_consultflow(workdir: Path, rounds: int) -> dict[str, float]:
    with database("sqlite", workdir, "whole-round") as url:
        engine = fresh_engine(url)
        clock = FixedClock(T0)
        office = office_with_units(engine, clock, UNITS)
        with UnitOfWork(engine) as uow:
            units = [(u.id or 0, u.name) for u in uow.directory.units()]
        _one_round(engine, clock, office, units, 1)  # warm-up: statement caches, templates
        t0 = time.perf_counter()
        steps = sum(_one_round(engine, clock, office, units, n) for n in range(2, rounds + 2))
        seconds = time.perf_counter() - t0
        with UnitOfWork(engine) as uow:
            chain = uow.audit.verify()
        engine.dispose()
    assert chain.ok, chain
    return {"rounds": rounds, "steps": steps, "seconds": seconds, "events": chain.checked}


def _spiff_round(spec: Any, serializer: Any, store: Engine | None, workflow_id: int) -> int:
    """One round through SpiffWorkflow: every user task completed with its data, and (``store``) the whole
    workflow serialized and written after each, one transaction per step."""
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.util.task import TaskState

    workflow = BpmnWorkflow(spec)
    workflow.do_engine_steps()
    steps = 0
    if store is not None:
        with store.begin() as conn:
            conn.execute(
                text("INSERT INTO spiff_workflow (id, state) VALUES (:id, :state)"),
                {"id": workflow_id, "state": serializer.serialize_json(workflow)},
            )
    while not workflow.is_completed():
        for task in workflow.get_tasks(state=TaskState.READY, manual=True):
            name = task.task_spec.name
            if name == "start_round":
                task.data.update(
                    units=UNITS, comments=UNITS * COMMENTS_PER_REPLY, doc_number=f"孝安办函〔2026〕{workflow_id}号"
                )
            elif name.startswith("reply"):
                task.data["reply"] = [c.__dict__ for c in _comments(steps)]
            elif name.startswith("decide"):
                task.data["decision"] = {
                    "outcome": "rejected" if steps % 2 else "adopted",
                    "reason": "与上位文件规定不一致。",
                }
            task.run()
            steps += 1
            if store is not None:
                with store.begin() as conn:
                    conn.execute(
                        text("UPDATE spiff_workflow SET state = :state WHERE id = :id"),
                        {"id": workflow_id, "state": serializer.serialize_json(workflow)},
                    )
        workflow.do_engine_steps()
    return steps


def bench_spiff(workdir: Path, rounds: int, *, persist: bool) -> dict[str, float]:
    from SpiffWorkflow.bpmn.parser import BpmnParser
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer

    parser = BpmnParser()
    parser.add_bpmn_file(str(BPMN))
    spec = parser.get_spec("consultation_round")
    serializer = BpmnWorkflowSerializer()
    store = None
    if persist:
        path = workdir / "spiff.db"
        path.unlink(missing_ok=True)
        store = make_engine(f"sqlite:///{path}")
        with store.begin() as conn:
            conn.execute(text("CREATE TABLE spiff_workflow (id INTEGER PRIMARY KEY, state TEXT NOT NULL)"))
    _spiff_round(spec, serializer, store, 1)  # warm-up
    t0 = time.perf_counter()
    steps = sum(_spiff_round(spec, serializer, store, n) for n in range(2, rounds + 2))
    seconds = time.perf_counter() - t0
    if store is not None:
        store.dispose()
    return {"rounds": rounds, "steps": steps, "seconds": seconds}


def bench_whole_round(workdir: Path, rounds: int) -> dict[str, Any]:
    ours = bench_consultflow(workdir, rounds)
    persisted = bench_spiff(workdir, rounds, persist=True)
    memory = bench_spiff(workdir, rounds, persist=False)
    rate = ours["rounds"] / ours["seconds"]
    spiff_rate = persisted["rounds"] / persisted["seconds"]
    return {
        "consultflow": ours,
        "spiff": persisted,
        "spiff_memory": memory,
        "rate": rate,
        "spiff_rate": spiff_rate,
        "spiff_memory_rate": memory["rounds"] / memory["seconds"],
        "us_per_step": ours["seconds"] / ours["steps"] * 1e6,
        "spiff_us_per_step": persisted["seconds"] / persisted["steps"] * 1e6,
        "ratio": rate / spiff_rate,
    }
