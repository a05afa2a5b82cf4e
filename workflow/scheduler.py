"""Deadline enforcement on time, every time (APScheduler 3.x).

Design, and why:
- Each process runs its own scheduler with an in-memory job store. APScheduler 3 forbids
  sharing a job store between schedulers, and the database is the truth anyway: jobs carry
  only ids, and every job's work is a conditional update, so several processes (or a job that
  runs twice, or late) enforce each deadline exactly once.
- ``misfire_grace_time=None`` and ``coalesce=True``: a late job still runs (once); the default
  would silently drop a job more than 1 s late.
- A resync job re-reads open rounds every second, so rounds started or re-timed by another
  process (CLI, web worker) get their jobs; a slower safety sweep catches anything missed.
- On start, a catch-up sweep enforces deadlines that passed while nothing ran.
- Each month's progress round is started from ``[progress] start_day`` on, once per office and month
  (the database's unique constraint on (office_id, month) decides between schedulers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import structlog
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from kernel.actors import SYSTEM
from kernel.clock import Clock
from kernel.ids import ref
from states.round import RoundState
from storage.uow import UowFactory
from workflow.doc_types import SHIPPED_TYPES, DocTypes
from workflow.schedule_plan import plan_round
from workflow.services._common import record
from workflow.services.deadlines import SweepResult, enforce_round, sweep
from workflow.services.messages import queue_reminders
from workflow.services.process_reminders import ReminderSettings, queue_process_reminders
from workflow.services.progress import ProgressSweep, remind_progress, sweep_progress
from workflow.services.progress_schedule import ScheduledStart, start_due_progress
from workflow.tracking.schedule import ProgressSettings

log = structlog.get_logger("consultflow.scheduler")


@dataclass
class SchedulerSettings:
    sweep_interval_seconds: float = 60.0
    resync_interval_seconds: float = 1.0
    relay_interval_seconds: float = 10.0
    reminder_hours: list[float] = field(default_factory=lambda: [24.0, 2.0])
    process_reminders: ReminderSettings = field(default_factory=ReminderSettings)

    @classmethod
    def from_mapping(cls, section: dict) -> SchedulerSettings:  # type: ignore[type-arg]
        return cls(
            sweep_interval_seconds=float(section.get("sweep_interval_seconds", 60)),
            resync_interval_seconds=float(section.get("resync_interval_seconds", 1)),
            relay_interval_seconds=float(section.get("relay_interval_seconds", 10)),
            reminder_hours=[float(h) for h in section.get("reminder_offsets_hours", [24, 2])],
            process_reminders=ReminderSettings(
                review_hours_before=float(section.get("review_reminder_hours", 24)),
                filing_days_before=int(section.get("filing_reminder_days", 5)),
            ),
        )


def queue_due_reminders(uows: UowFactory, clock: Clock, round_id: int, offset: str) -> int:
    """Queue one reminder per silent unit for this offset; keys make a second run a no-op."""
    with uows() as uow:
        rnd = uow.rounds.get(round_id)
        now = clock.now()
        if rnd is None or rnd.state != RoundState.open or now >= rnd.deadline:
            return 0
        queued = queue_reminders(uow, round_id, offset, now)
        if queued:
            record(
                uow,
                SYSTEM,
                now,
                "round.reminders_queued",
                ref("round", round_id),
                round_id=round_id,
                offset=offset,
                messages=queued,
            )
        uow.commit()
        return queued


class DeadlineScheduler:
    """Owns one BackgroundScheduler; start() catches up, then keeps jobs in step with the DB."""

    def __init__(
        self,
        uows: UowFactory,
        clock: Clock,
        settings: SchedulerSettings,
        relay: Callable[[], object] | None = None,
        progress: ProgressSettings | None = None,
        *,
        rules: DocTypes = SHIPPED_TYPES,
        secret: str = "",
    ) -> None:
        self.uows = uows
        self.rules = rules
        self.secret = secret  # mints the units' progress links; without it no round is started here
        self.clock = clock
        self.settings = settings
        self.progress = progress or ProgressSettings()
        self.relay = relay
        self._executor = ThreadPoolExecutor()  # kept: shutdown() waits on it (see there)
        self._scheduler = BackgroundScheduler(
            timezone="UTC",
            executors={"default": self._executor},
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        self._known: dict[int, datetime] = {}
        self._told: set[tuple[int, str, str]] = set()  # (office, month, outcome) already logged
        self._jobs: dict[int, list[str]] = {}  # round id → the ids of its date jobs

    # -- jobs --------------------------------------------------------------------------------
    def run_sweep(self) -> SweepResult:
        result = sweep(self.uows, self.clock)
        if result.enforced_rounds:
            log.info("deadline.swept", rounds=list(result.round_ids), deemed=result.deemed_no_objection)
        return result

    def start_progress_rounds(self) -> list[ScheduledStart]:
        """The month's progress round for each office that should have one by now (once per month)."""
        if not self.secret:
            return []
        done = start_due_progress(self.uows, self.clock, self.progress, self.secret)
        for d in done:
            if d.outcome == "started":
                log.info("progress.started", office_id=d.office_id, month=d.month, round_id=d.round_id)
            elif d.outcome != "exists" and (d.office_id, d.month, d.outcome) not in self._told:
                self._told.add((d.office_id, d.month, d.outcome))
                log.warning("progress.not_started", office_id=d.office_id, month=d.month, reason=d.outcome)
        return done

    def run_progress(self) -> ProgressSweep:
        """Monthly progress rounds: started on the start day, the reminder before the due time, then 未报送
        for silent units (once)."""
        self.start_progress_rounds()
        reminded = remind_progress(self.uows, self.clock, self.progress.reminder_hours)
        result = sweep_progress(self.uows, self.clock)
        if reminded or result.rounds:
            log.info("progress.swept", reminders=reminded, rounds=result.rounds, not_reported=result.not_reported)
        return result

    def run_process_reminders(self) -> int:
        """The reviewer before a review is due, the office before a 备案 deadline (each once)."""
        queued = queue_process_reminders(self.uows, self.clock, self.settings.process_reminders, rules=self.rules)
        if queued:
            log.info("process_reminders.queued", messages=queued)
        return queued

    def _enforce(self, round_id: int) -> None:
        result = enforce_round(self.uows, self.clock, round_id)
        if result.enforced_rounds:
            log.info("deadline.enforced", round_id=round_id, deemed=result.deemed_no_objection)
        self._known.pop(round_id, None)
        self._jobs.pop(round_id, None)

    def _remind(self, round_id: int, offset: str) -> None:
        queued = queue_due_reminders(self.uows, self.clock, round_id, offset)
        if queued:
            log.info("reminders.queued", round_id=round_id, offset=offset, messages=queued)

    def resync(self) -> None:
        """Add or move jobs so they match the open rounds in the database."""
        with self.uows() as uow:
            schedule = uow.rounds.open_schedule()
        rounds = {round_id: deadline for round_id, deadline, _started in schedule}
        started = {round_id: created for round_id, _deadline, created in schedule}
        now = self.clock.now()
        for round_id in set(self._known) - set(rounds):
            self._remove_jobs(round_id)
        for round_id, deadline in rounds.items():
            if self._known.get(round_id) == deadline:
                continue
            self._remove_jobs(round_id)
            self._known[round_id] = deadline
            actions = plan_round(deadline, now, self.settings.reminder_hours, started.get(round_id))
            ids = self._jobs[round_id] = []
            for action in actions:
                if action.kind == "deadline":
                    ids.append(f"deadline:{round_id}")
                    self._scheduler.add_job(
                        self._enforce,
                        "date",
                        run_date=action.at,
                        args=[round_id],
                        id=f"deadline:{round_id}",
                        replace_existing=True,
                    )
                else:
                    ids.append(f"reminder:{round_id}:{action.offset}")
                    self._scheduler.add_job(
                        self._remind,
                        "date",
                        run_date=action.at,
                        args=[round_id, action.offset],
                        id=f"reminder:{round_id}:{action.offset}",
                        replace_existing=True,
                    )
            log.info(
                "round.scheduled",
                round_id=round_id,
                deadline=deadline.isoformat(),
                actions=[(a.kind, a.at.isoformat()) for a in actions],
            )

    def _remove_jobs(self, round_id: int) -> None:
        """The round's jobs, by the ids it was given (a scan of every job per round made start-up with
        10,000 open rounds quadratic: minutes before the server answered)."""
        self._known.pop(round_id, None)
        for job_id in self._jobs.pop(round_id, []):
            job = self._scheduler.get_job(job_id)
            if job is not None:
                job.remove()

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        self.run_sweep()  # catch-up: deadlines that passed while nothing ran
        self.resync()  # solicitation deadlines first: they are due to the second, progress rounds to the minute
        self._scheduler.add_job(
            self.run_sweep,
            "interval",
            seconds=self.settings.sweep_interval_seconds,
            id="safety_sweep",
            replace_existing=True,
        )
        self._scheduler.add_job(
            self.run_progress,
            "interval",
            seconds=self.settings.sweep_interval_seconds,
            id="progress_sweep",
            replace_existing=True,
        )
        self._scheduler.add_job(
            self.run_process_reminders,
            "interval",
            seconds=self.settings.sweep_interval_seconds,
            id="process_reminders",
            replace_existing=True,
        )
        self._scheduler.add_job(
            self.resync, "interval", seconds=self.settings.resync_interval_seconds, id="resync", replace_existing=True
        )
        if self.relay is not None:
            self._scheduler.add_job(
                self.relay, "interval", seconds=self.settings.relay_interval_seconds, id="relay", replace_existing=True
            )
        self._scheduler.start()
        log.info("scheduler.started", open_rounds=len(self._known))
        self._scheduler.add_job(self.run_progress, id="progress_catch_up", replace_existing=True)  # runs at once

    def run_once(self) -> SweepResult:
        """Everything due now, then return (for cron-style deployments)."""
        result = self.run_sweep()
        self.run_progress()
        now = self.clock.now()
        with self.uows() as uow:
            rounds = uow.rounds.open_schedule()
        for round_id, deadline, started in rounds:
            for action in plan_round(deadline, now, self.settings.reminder_hours, started):
                if action.kind == "reminder" and action.at <= now:
                    self._remind(round_id or 0, action.offset)
        self.run_process_reminders()
        if self.relay is not None:
            self.relay()
        return result

    def shutdown(self) -> None:
        """Stop, then wait for a job still running. Not APScheduler's ``shutdown(wait=True)``: it waits for the
        jobs while holding its job-store lock, and a running ``resync`` needs that lock to move its jobs, so the
        two waited for each other for ever (seen when a past deadline made resync run at every tick)."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
            self._executor.shutdown(wait=True)

    def jobs(self) -> list[tuple[str, datetime | None]]:
        return [(j.id, j.next_run_time) for j in self._scheduler.get_jobs()]
