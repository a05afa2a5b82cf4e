"""The append-only, hash-chained audit trail.

Each event's hash covers its own fields and the previous event's hash, so editing,
deleting or reordering any row breaks the chain from that row on. Events are buffered in
the unit of work and appended at commit: the chain head row is locked only then, briefly,
which serialises writers from many processes without deadlocking against row locks taken
earlier in the transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from hashlib import sha256
from typing import Any

from sqlalchemy import insert, select, update
from sqlmodel import Session

from storage.bulk import db_stamp, execute_many, placeholder
from storage.models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64


_PAYLOAD = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def canonical_payload(payload: dict[str, Any] | None) -> str:
    return _PAYLOAD.encode(payload or {})


@lru_cache(maxsize=1024)
def _iso(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    *,
    seq: int,
    at: datetime,
    actor: str,
    role: str,
    action: str,
    entity: str,
    round_id: int | None,
    from_state: str | None,
    to_state: str | None,
    payload: str,
    imported: bool,
    prev_hash: str,
) -> str:
    """SHA-256 over the length-prefixed fields; the format is part of the chain."""
    return _hash(
        seq, _iso(at), actor, role, action, entity, round_id, from_state, to_state, payload, imported, prev_hash
    )


def _seg(value: str) -> str:
    return f"{len(value)}:{value};"


@lru_cache(maxsize=4096)
def _constant_parts(
    at: str, actor: str, role: str, action: str, from_state: str | None, to_state: str | None, imported: bool
) -> tuple[str, str, str]:
    """The fields a bulk append shares across events, encoded once (same bytes as field by field)."""
    f = "\x00" if from_state is None else from_state
    t = "\x00" if to_state is None else to_state
    return _seg(at) + _seg(actor) + _seg(role) + _seg(action), _seg(f) + _seg(t), "1:1;" if imported else "1:0;"


def _hash(
    seq: int,
    at: str,
    actor: str,
    role: str,
    action: str,
    entity: str,
    round_id: int | None,
    from_state: str | None,
    to_state: str | None,
    payload: str,
    imported: bool,
    prev_hash: str,
) -> str:
    # Length-prefixed fields: unambiguous whatever the text contains, and cheap to build.
    head, states, flag = _constant_parts(at, actor, role, action, from_state, to_state, imported)
    s = str(seq)
    r = "" if round_id is None else str(round_id)
    material = (
        f"{len(s)}:{s};{head}{len(entity)}:{entity};{len(r)}:{r};{states}{len(payload)}:{payload};{flag}64:{prev_hash};"
    )
    return sha256(material.encode()).hexdigest()


@dataclass(slots=True)
class PendingEvent:
    """An event recorded by a service, not yet given its place in the chain.

    ``payload_json`` lets bulk writers pass an already-canonical payload string.
    """

    at: datetime
    actor: str
    role: str
    action: str
    entity: str
    round_id: int | None = None
    from_state: str | None = None
    to_state: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    imported: bool = False
    payload_json: str | None = None


Row = tuple[datetime, str, str, str, str, "int | None", "str | None", "str | None", str, bool]


class AuditLog:
    """The trail as one transaction sees it: buffers new events and chains them onto the head at
    flush; reads (``events``, ``verify``) go through it too, so no session leaves storage.

    Events are kept as plain tuples (at, actor, role, action, entity, round_id, from_state,
    to_state, payload_json, imported): a deadline sweep records hundreds of thousands at once.
    """

    def __init__(self, session: Session, *, imported: bool = False) -> None:
        self._session = session
        self._pending: list[Row] = []
        self._imported = imported

    def record(self, event: PendingEvent) -> None:
        """Buffer one event; in an import transaction every event is marked imported."""
        payload = event.payload_json if event.payload_json is not None else canonical_payload(event.payload)
        self._pending.append(
            (
                event.at,
                event.actor,
                event.role,
                event.action,
                event.entity,
                event.round_id,
                event.from_state,
                event.to_state,
                payload,
                event.imported or self._imported,
            )
        )

    def record_many(self, events: Iterable[PendingEvent]) -> None:
        for event in events:
            self.record(event)

    def record_rows(self, rows: Iterable[Row]) -> None:
        """Bulk path: rows already in the internal shape, with canonical payload strings."""
        if self._imported:
            rows = ((*r[:9], True) for r in rows)  # type: ignore[assignment]
        self._pending.extend(rows)

    def events(self, round_id: int | None = None) -> Iterator[AuditEvent]:
        """Stored events in chain order (a round's only, if given)."""
        return iter_events(self._session, round_id=round_id)

    def verify(self) -> ChainVerdict:
        """Recompute the whole chain (see :func:`verify_chain`)."""
        return verify_chain(self._session)

    def head(self) -> tuple[int, str]:
        """(seq, hash) of the chain's tip as stored now (0, "" for an empty trail)."""
        row = self._session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
        return (int(row.seq), str(row.hash)) if row is not None else (0, "")

    @property
    def last_at(self) -> datetime | None:
        """When the latest buffered event happened (messages queued with it share that time)."""
        return self._pending[-1][0] if self._pending else None

    def flush(self) -> int:
        """Append the buffered events (called by the unit of work right before commit)."""
        if not self._pending:
            return 0
        session = self._session
        head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1).with_for_update()).first()
        if head is None:
            session.execute(insert(AuditHead).values(id=1, seq=0, hash=GENESIS_HASH))
            seq, prev = 0, GENESIS_HASH
        else:
            seq, prev = head.seq, head.hash or GENESIS_HASH
        stamps: dict[datetime, Any] = {}
        rows: list[tuple[Any, ...]] = []
        append = rows.append
        for at, actor, role, action, entity, round_id, from_state, to_state, payload, imported in self._pending:
            seq += 1
            digest = _hash(
                seq, _iso(at), actor, role, action, entity, round_id, from_state, to_state, payload, imported, prev
            )
            stamp = stamps.get(at)
            if stamp is None:
                stamp = stamps[at] = db_stamp(session, at)
            append(
                (
                    seq,
                    stamp,
                    actor,
                    role,
                    action,
                    entity,
                    round_id,
                    from_state,
                    to_state,
                    payload,
                    imported,
                    prev,
                    digest,
                )
            )
            prev = digest
        _insert_rows(session, rows)
        session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=seq, hash=prev))
        count = len(self._pending)
        self._pending.clear()
        return count


_COLUMNS = (
    "seq",
    "at",
    "actor",
    "role",
    "action",
    "entity",
    "round_id",
    "from_state",
    "to_state",
    "payload",
    "imported",
    "prev_hash",
    "hash",
)


def _insert_rows(session: Session, rows: list[tuple[Any, ...]]) -> None:
    """Plain executemany (see storage.bulk); ``at`` is already in its stored form."""
    mark = placeholder(session)
    sql = f"INSERT INTO auditevent ({', '.join(_COLUMNS)}) VALUES ({', '.join([mark] * len(_COLUMNS))})"
    execute_many(session, sql, rows)


@dataclass(frozen=True)
class ChainVerdict:
    """What recomputing the chain found. ``fault`` is a stable code (people's wording is the
    workflow's job): ``gap`` (a sequence number is missing), ``prev_hash`` (an event does not point
    at its predecessor), ``hash`` (an event's content no longer matches its hash), ``tail`` (the head
    row says more events exist than are stored)."""

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    fault: str = ""
    expected_events: int | None = None


def iter_events(session: Session, round_id: int | None = None, batch: int = 5000) -> Iterator[AuditEvent]:
    """Events in chain order, fetched in batches so a long trail does not load at once."""
    last = 0
    while True:
        stmt = select(AuditEvent).where(AuditEvent.seq > last).order_by(AuditEvent.seq).limit(batch)
        if round_id is not None:
            stmt = stmt.where(AuditEvent.round_id == round_id)
        chunk = list(session.execute(stmt).scalars())
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq


def verify_chain(session: Session) -> ChainVerdict:
    """Recompute every hash in order; report the first sequence number that does not fit."""
    expected_seq = 1
    prev = GENESIS_HASH
    checked = 0
    for ev in iter_events(session):
        if ev.seq != expected_seq:
            return ChainVerdict(False, checked, expected_seq, "gap")
        if ev.prev_hash != prev:
            return ChainVerdict(False, checked, ev.seq, "prev_hash")
        digest = event_hash(
            seq=ev.seq,
            at=ev.at,
            actor=ev.actor,
            role=ev.role,
            action=ev.action,
            entity=ev.entity,
            round_id=ev.round_id,
            from_state=ev.from_state,
            to_state=ev.to_state,
            payload=ev.payload,
            imported=ev.imported,
            prev_hash=ev.prev_hash,
        )
        if digest != ev.hash:
            return ChainVerdict(False, checked, ev.seq, "hash")
        prev = ev.hash
        expected_seq += 1
        checked += 1
    head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
    if head is not None and (head.seq != checked or (checked and head.hash != prev)):
        return ChainVerdict(False, checked, checked + 1, "tail", head.seq)
    return ChainVerdict(True, checked)
