"""Is the deployment doing its job? For load balancers and monitoring, not for people.

A deadline that passed minutes ago on a round still open, or notices due long ago and not sent,
mean no scheduler or relay is running (e.g. every web process started with ``--no-scheduler``):
exactly the silent failure the office must hear about before a unit does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from kernel.clock import Clock
from kernel.timefmt import iso_beijing
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class HealthPolicy:
    deadline_grace: timedelta = timedelta(minutes=2)
    outbox_grace: timedelta = timedelta(minutes=10)

    @classmethod
    def from_mapping(cls, section: dict[str, Any]) -> HealthPolicy:
        return cls(
            timedelta(seconds=float(section.get("deadline_grace_seconds", 120))),
            timedelta(seconds=float(section.get("outbox_grace_seconds", 600))),
        )


@dataclass(frozen=True)
class Health:
    ok: bool
    checks: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def prove_writable(uow: UnitOfWork, clock: Clock) -> None:
    """A tiny write the caller never commits (its unit of work rolls it back): a database that answers reads
    but refuses writes (read-only, disk full) raises here, so /healthz can report it."""
    uow.rate_limits.probe_write(clock.now())


def health(uow: UnitOfWork, clock: Clock, policy: HealthPolicy) -> Health:
    now = clock.now()
    overdue, oldest = uow.rounds.overdue_open(now - policy.deadline_grace)
    stuck = uow.outbox.due_since(now - policy.outbox_grace)
    problems = []
    if overdue:
        problems.append(
            f"有 {overdue} 轮征求意见已过截止时间仍未执行截止（最早截止于 {iso_beijing(oldest)}），"  # type: ignore[arg-type]
            "截止时间调度器可能未运行。"
        )
    if stuck:
        problems.append(f"有 {stuck} 条消息到期未发送，消息发送进程可能未运行。")
    checks = {"database": "ok", "overdue_rounds": overdue, "unsent_messages": stuck}
    return Health(not problems, checks, problems)
