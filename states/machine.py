"""A thin, shared wrapper over one ``transitions.Machine`` per kind of entity.

Why not bind a machine to each row: building a ``Machine`` costs about a millisecond and
binding one to a SQLModel object breaks (transitions issue #635). Instead each kind gets one
model-less machine built at import time; :meth:`StateMachine.fire` looks up the transition
table and evaluates the guards against a plain context object. Bulk operations (the deadline
sweep) validate a ``(source, trigger)`` pair once and then update rows set-wise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from transitions import Machine

from kernel.errors import Conflict

C = TypeVar("C")
GuardFn = Callable[[Any], bool]


def guard(code: str, message: str) -> Callable[[GuardFn], GuardFn]:
    """Mark a predicate as a guard; ``code``/``message`` are what a refused request reports."""

    def mark(fn: GuardFn) -> GuardFn:
        fn.guard_code = code  # type: ignore[attr-defined]
        fn.guard_message = message  # type: ignore[attr-defined]
        return fn

    return mark


@dataclass(frozen=True)
class Transition:
    """One row of a transition table."""

    trigger: str
    source: tuple[str, ...]
    dest: str
    guards: tuple[GuardFn, ...] = ()


class StateMachine:
    """States, transitions and guards of one kind of entity, as data."""

    def __init__(
        self,
        name: str,
        states: type[StrEnum],
        initial: StrEnum,
        table: Iterable[Transition],
        state_labels: Mapping[str, str],
        trigger_labels: Mapping[str, str],
    ) -> None:
        self.name = name
        self.states = states
        self.initial = initial
        self.table = tuple(table)
        self.state_labels = dict(state_labels)
        self.trigger_labels = dict(trigger_labels)
        self._machine = Machine(
            model=None,
            states=[s.value for s in states],
            initial=initial.value,
            auto_transitions=False,
            transitions=[
                {
                    "trigger": t.trigger,
                    "source": list(t.source),
                    "dest": t.dest,
                    "conditions": list(t.guards),
                }
                for t in self.table
            ],
        )
        # Our own index of the table (declared order kept): guards are evaluated from it, so nothing
        # here depends on ``transitions`` internals; the Machine above validates the table and
        # answers ``get_triggers``.
        self._candidates: dict[tuple[str, str], list[Transition]] = {}
        for t in self.table:
            for src in t.source:
                self._candidates.setdefault((str(src), t.trigger), []).append(t)

    def triggers(self, source: str) -> list[str]:
        """Triggers declared from ``source`` (guards not evaluated)."""
        return list(self._machine.get_triggers(source))

    def allows(self, source: str, trigger: str) -> bool:
        """Whether the table has a ``trigger`` from ``source`` at all."""
        return bool(self._candidates.get((str(source), trigger)))

    def sources(self, trigger: str) -> tuple[str, ...]:
        """Every state ``trigger`` may leave (for set-wise conditional updates)."""
        return tuple(s.value for s in self.states if self.allows(s.value, trigger))

    def fire(self, source: str, trigger: str, context: Any) -> str:
        """Return the destination state, or raise :class:`Conflict` saying why not.

        The first candidate transition whose guards all hold wins, as in ``transitions``.
        """
        candidates = self._candidates.get((str(source), trigger))
        if not candidates:
            raise Conflict(
                "TRANSITION_FORBIDDEN",
                f"当前状态为“{self.state_labels.get(source, source)}”，不能执行“"
                f"{self.trigger_labels.get(trigger, trigger)}”。",
                machine=self.name,
                state=source,
                trigger=trigger,
            )
        failed: GuardFn | None = None
        for candidate in candidates:
            failed = next((g for g in candidate.guards if not g(context)), None)
            if failed is None:
                return str(candidate.dest)
        raise Conflict(
            getattr(failed, "guard_code", "GUARD_FAILED"),
            getattr(failed, "guard_message", "条件不满足，操作未执行。"),
            machine=self.name,
            state=source,
            trigger=trigger,
        )

    def may(self, source: str, trigger: str, context: Any) -> bool:
        """``fire`` without the exception: whether the change would be allowed now."""
        try:
            self.fire(source, trigger, context)
        except Conflict:
            return False
        return True

    def label(self, state: str) -> str:
        """Chinese name of a state, for screens and documents."""
        return self.state_labels.get(state, state)
