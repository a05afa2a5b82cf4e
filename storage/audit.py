"""The append-only, hash-chained audit trail.

Each event's hash covers its own fields and the previous event's hash, so editing,
deleting or reordering any row breaks the chain from that row on. Events are buffered in
the unit of work and appended at commit: the chain head row is locked only then, briefly,
which serialises writers from many processes without deadlocking against row locks taken
earlier in the transaction.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache
from hashlib import sha256
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, insert, or_, select
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session

from storage import chain_check
from storage import models as m  # tables named as m.X: importing this module creates none (storage.models)
from storage.bulk import db_stamp, execute_many, fetch_all, on_sqlite, placeholder
from storage.readonly import refuse

if TYPE_CHECKING:
    from storage.models import AuditEvent

GENESIS_HASH = chain_check.GENESIS_HASH


_PAYLOAD = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def canonical_payload(payload: dict[str, Any] | None) -> str:
    return _PAYLOAD.encode(payload or {})


_iso = lru_cache(maxsize=1024)(chain_check.iso)


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
    office_id: int | None = None,
) -> str:
    """SHA-256 over the length-prefixed fields; the format is part of the chain.

    The office is hashed only when an event names one, after the other fields: events stored before
    offices were recorded keep exactly the hash they were given.
    """
    return _hash(
        seq, _iso(at), actor, role, action, entity, round_id, from_state, to_state, payload, imported, prev_hash,
        office_id,
    )


_constant_parts = chain_check.constant_parts  # one definition of the hashed bytes, shared with the checker


def event_material(
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
    office_id: int | None = None,
) -> bytes:
    """The bytes an event's hash covers (``at`` as ``_iso`` text)."""
    # Length-prefixed fields: unambiguous whatever the text contains, and cheap to build.
    head, states, flag = _constant_parts(at, actor, role, action, from_state, to_state, imported)
    s = str(seq)
    r = "" if round_id is None else str(round_id)
    material = (
        f"{len(s)}:{s};{head}{len(entity)}:{entity};{len(r)}:{r};{states}{len(payload)}:{payload};{flag}64:{prev_hash};"
    )
    if office_id is not None:
        o = str(office_id)
        material += f"office{len(o)}:{o};"
    return material.encode()


def _hash(*fields: Any) -> str:
    """The event's hash: SHA-256 of its material (``event_material``'s arguments, ``at`` as ``_iso`` text)."""
    return sha256(event_material(*fields)).hexdigest()


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
    office_id: int | None = None  # None: the round's office, else the unit of work's (see AuditLog.flush)


Row = tuple[datetime, str, str, str, str, "int | None", "str | None", "str | None", str, bool, "int | None"]


@cache
def _round_offices() -> Any:
    """The offices of some rounds (``ids``): built once, so its cache key and scoped form are kept (a commit of
    an event naming a round the service no longer holds runs it)."""
    return select(m.Round.id, m.Round.office_id).where(m.Round.id.in_(bindparam("ids", expanding=True)))


class AuditLog:
    """The trail as one transaction sees it: buffers new events and chains them onto the head at
    flush; reads (``events``, ``verify``) go through it too, so no session leaves storage.

    Events are kept as plain tuples (at, actor, role, action, entity, round_id, from_state,
    to_state, payload_json, imported, office_id): a deadline sweep records hundreds of thousands at once.

    Every event names its office: given, or its round's, or ``default_office`` (the office a scoped unit
    of work acts for). Only server-wide events (a backup, a restored chain head) name none.
    """

    def __init__(self, session: Session, *, imported: bool = False) -> None:
        self._session = session
        self._pending: list[Row] = []
        self._imported = imported
        self.default_office: int | None = None
        # What the last flush appended: (seq before, seq after, head hash, head time, actions).
        self.appended: tuple[int, int, str, datetime, frozenset[str]] | None = None

    def record(self, event: PendingEvent) -> None:
        """Buffer one event; in an import transaction every event is marked imported. A read-only unit of
        work refuses it here, where the caller can be seen, not at a commit that may never come."""
        refuse(self._session, f"audit event {event.action}")
        payload = event.payload_json if event.payload_json is not None else canonical_payload(event.payload)
        office = event.office_id
        if office is None and event.round_id is not None:
            office = self._held_round_office(event.round_id)
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
                office,
            )
        )

    def _held_round_office(self, round_id: int) -> int | None:
        """The office of a round this session holds (the service recording the event loaded it; a round never
        changes office), so the commit need not read it again (``_round_offices``); None when not held. The
        session's identity map keeps a row only while something refers to it: hence here, not at the commit."""
        held = self._session.identity_map.get(identity_key(m.Round, round_id))
        return None if held is None else held.office_id

    def record_many(self, events: Iterable[PendingEvent]) -> None:
        for event in events:
            self.record(event)

    def record_rows(self, rows: Iterable[Row]) -> None:
        """Bulk path: rows already in the internal shape, with canonical payload strings. Fields are plain
        ``str``/``int`` (a state's ``.value``, not the enum member): a row holding an object the garbage collector
        tracks stays tracked, and hundreds of thousands of those make its full collections expensive."""
        refuse(self._session, "audit events")
        if self._imported:
            rows = ((*r[:9], True, r[10]) for r in rows)  # type: ignore[assignment]
        self._pending.extend(rows)

    def events(self, round_id: int | None = None, offices: tuple[int, ...] | None = None) -> Iterator[AuditEvent]:
        """Stored events in chain order (a round's only, if given; only these offices', if given)."""
        return iter_events(self._session, round_id=round_id, offices=offices)

    def count(self, round_id: int | None = None, offices: tuple[int, ...] | None = None) -> int:
        """How many events :meth:`events` would yield (a page's pager, without loading them)."""
        return count_events(self._session, round_id=round_id, offices=offices)

    def page(
        self, round_id: int | None = None, offices: tuple[int, ...] | None = None, *, offset: int = 0, limit: int = 200
    ) -> list[AuditEvent]:
        """One page of :meth:`events`: the ``limit`` events after the first ``offset``."""
        return event_page(self._session, round_id=round_id, offices=offices, offset=offset, limit=limit)

    def verify(self) -> ChainVerdict:
        """Recompute the whole chain (see :func:`verify_chain`)."""
        return verify_chain(self._session)

    def snapshot(self) -> TableStates:
        """The state tables the trail must rebuild (see :class:`TableStates`)."""
        return table_states(self._session)

    def event(self, seq: int) -> AuditEvent | None:
        """One stored event by its sequence number."""
        return self._session.get(m.AuditEvent, seq)

    def head(self) -> tuple[int, str, datetime] | None:
        """The last stored event: (seq, hash, at); None for an empty trail."""
        row = self._session.execute(
            select(m.AuditEvent.seq, m.AuditEvent.hash, m.AuditEvent.at).order_by(m.AuditEvent.seq.desc()).limit(1)
        ).first()
        return None if row is None else (row.seq, row.hash, row.at)

    @property
    def pending(self) -> int:
        """How many recorded events wait for the commit."""
        return len(self._pending)

    @property
    def last_at(self) -> datetime | None:
        """When the latest buffered event happened (messages queued with it share that time)."""
        return self._pending[-1][0] if self._pending else None

    def flush(self) -> int:
        """Append the buffered events (called by the unit of work right before commit)."""
        if not self._pending:
            return 0
        session = self._session
        # Plain DB-API statements on the session's connection (storage.bulk): every transaction that changes
        # anything passes here, and the ORM's statement building cost more than the statements themselves.
        mark = placeholder(session)
        lock = "" if mark == "?" else " FOR UPDATE"  # SQLite: the transaction holds the write lock already
        found = fetch_all(session, f"SELECT seq, hash FROM audithead WHERE id = 1{lock}", ())
        if not found:
            seq, prev = self._restore_head()
        else:
            seq, prev = int(found[0][0]), found[0][1] or GENESIS_HASH
        before = seq
        # Inlined per event (a sweep appends hundreds of thousands at once): the material is
        # ``event_material``'s, built in one f-string, as ``chain_check.check_rows`` rebuilds it. Consecutive
        # events sharing the fields of ``_SHARED`` form a run (a sweep's are all alike): those fields are encoded
        # once per run, and stored once per INSERT statement (``_insert_runs``).
        times: dict[datetime, tuple[Any, str]] = {}
        runs: list[_Run] = []
        own: list[Any] = []
        extend = own.extend
        offices = self._round_offices()
        default = self.default_office
        parts = _constant_parts
        shared: tuple[Any, ...] = ()
        head = states = flag = ""
        for at, actor, role, action, entity, round_id, from_state, to_state, payload, imported, office in self._pending:
            seq += 1
            if office is None:
                office = offices.get(round_id, default) if round_id is not None else default
            key = (at, actor, role, action, from_state, to_state, imported)
            if key != shared:
                shared = key
                known = times.get(at)
                if known is None:
                    known = times[at] = (db_stamp(session, at), _iso(at))
                stamp, iso_at = known
                head, states, flag = parts(iso_at, actor, role, action, from_state, to_state, imported)
                own = []
                extend = own.extend
                runs.append(((stamp, actor, role, action, from_state, to_state, imported), prev, own))
            s = str(seq)
            r = "" if round_id is None else str(round_id)
            if office is None:
                material = f"{len(s)}:{s};{head}{len(entity)}:{entity};{len(r)}:{r};{states}{len(payload)}:{payload};{flag}64:{prev};"  # noqa: E501
            else:
                o = str(office)
                material = f"{len(s)}:{s};{head}{len(entity)}:{entity};{len(r)}:{r};{states}{len(payload)}:{payload};{flag}64:{prev};office{len(o)}:{o};"  # noqa: E501
            digest = sha256(material.encode()).hexdigest()
            extend((seq, entity, round_id, payload, digest, office))  # _OWN
            prev = digest
        _insert_runs(session, runs)
        execute_many(session, f"UPDATE audithead SET seq = {mark}, hash = {mark} WHERE id = 1", [(seq, prev)])
        count = len(self._pending)
        self.appended = (before, seq, prev, self._pending[-1][0], frozenset(r[3] for r in self._pending))
        self._pending.clear()
        return count

    def _round_offices(self) -> dict[int, int]:
        """The office of every round the buffered events name without an office (one query per 500)."""
        wanted = sorted({r[5] for r in self._pending if r[10] is None and r[5] is not None})
        found: dict[int, int] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found.update({int(rid): int(oid) for rid, oid in self._session.execute(_round_offices(), {"ids": chunk})})
        return found

    def _restore_head(self) -> tuple[int, str]:
        """No head row: a new trail starts at genesis; a trail whose head row was deleted is resumed
        from its last stored event (not a UNIQUE error on the next write), and the restoration is
        itself the first event appended, so the deletion stays on the record."""
        session = self._session
        last = session.execute(
            select(m.AuditEvent.seq, m.AuditEvent.hash).order_by(m.AuditEvent.seq.desc()).limit(1)
        ).first()
        if last is None:
            session.execute(insert(m.AuditHead).values(id=1, seq=0, hash=GENESIS_HASH))
            return 0, GENESIS_HASH
        session.execute(insert(m.AuditHead).values(id=1, seq=last.seq, hash=last.hash))
        count = session.execute(select(func.count()).select_from(m.AuditEvent)).scalar_one()
        payload = canonical_payload({"seq": last.seq, "hash": last.hash, "stored_events": count})
        at = self._pending[0][0]
        self._pending.insert(
            0, (at, "系统", "system", "audit.head_restored", "audit:head", None, None, None, payload, False, None)
        )
        return last.seq, last.hash


EVENT_COLUMNS = chain_check.EVENT_COLUMNS


_SHARED = ("at", "actor", "role", "action", "from_state", "to_state", "imported")
_OWN = ("seq", "entity", "round_id", "payload", "hash", "office_id")
_Run = tuple[tuple[Any, ...], str, list[Any]]
"""Consecutive events alike in the fields of ``_SHARED`` (their values, ``at`` in its stored form), the
``prev_hash`` of the first, and each event's fields of ``_OWN`` one after another."""

ROWS_PER_INSERT = 64
"""Events per multi-row INSERT (8 + 64 × 6 SQLite parameters, under its oldest limit of 999)."""


@lru_cache(maxsize=4)
def _sqlite_insert_sql(rows: int) -> str:
    """An INSERT of ``rows`` consecutive events of one run, in numbered parameters: ?1–?7 the run's
    ``_SHARED`` fields, ?8 the first event's prev_hash, then each event's ``_OWN`` six. Every later event's
    prev_hash is the parameter that holds its predecessor's hash, so the statement stores each link as the
    hash it bound. Why: SQLite copies every bound text, and binding the shared fields and the links (64
    characters each) once instead of per event halves the insert (CPU time for a sweep's 100,000 events:
    0.17 s, against 0.27 s binding all 14 values per event and 0.36 s with an INSERT per event)."""
    values = []
    for k in range(rows):
        b = 9 + len(_OWN) * k  # this event's seq; its hash is ?{b + 4}, so its predecessor's is ?{b - 2}
        prev = "?8" if k == 0 else f"?{b - 2}"
        values.append(f"(?{b}, ?1, ?2, ?3, ?4, ?{b + 1}, ?{b + 2}, ?5, ?6, ?{b + 3}, ?7, {prev}, ?{b + 4}, ?{b + 5})")
    return f"INSERT INTO auditevent ({chain_check.COLUMNS}) VALUES {', '.join(values)}"


@lru_cache(maxsize=4)
def _insert_sql(mark: str, rows: int) -> str:
    one = f"({', '.join([mark] * len(EVENT_COLUMNS))})"
    return f"INSERT INTO auditevent ({chain_check.COLUMNS}) VALUES {', '.join([one] * rows)}"


def _insert_runs(session: Session, runs: list[_Run]) -> None:
    """Insert the chained events (plain DB-API, see storage.bulk), ``ROWS_PER_INSERT`` to a statement; the
    rest of a run, and a reply's single event, one statement per event."""
    own_width = len(_OWN)
    if on_sqlite(session):
        step = ROWS_PER_INSERT * own_width
        grouped: list[list[Any]] = []
        single: list[list[Any]] = []
        for shared, prev, own in runs:
            fields = list(shared)
            full = len(own) // step * step
            for i in range(0, full, step):
                grouped.append([*fields, prev, *own[i : i + step]])
                prev = own[i + step - 2]  # the hash of the statement's last event
            for i in range(full, len(own), own_width):
                single.append([*fields, prev, *own[i : i + own_width]])
                prev = own[i + 4]
        if grouped:
            execute_many(session, _sqlite_insert_sql(ROWS_PER_INSERT), grouped)
        if single:
            execute_many(session, _sqlite_insert_sql(1), single)
        return
    # PostgreSQL: every event's column values one after another, bound to multi-row INSERTs (this halved the
    # Python time of a sweep against an INSERT per event; the server's time did not change).
    values: list[Any] = []
    extend = values.extend
    for (at, actor, role, action, from_state, to_state, imported), prev, own in runs:
        for i in range(0, len(own), own_width):
            seq, entity, round_id, payload, digest, office = own[i : i + own_width]
            extend((seq, at, actor, role, action, entity, round_id, from_state, to_state, payload, imported, prev,
                    digest, office))  # fmt: skip
            prev = digest
    mark = placeholder(session)
    width = len(EVENT_COLUMNS)
    step = ROWS_PER_INSERT * width
    full = len(values) // step * step
    if full:
        execute_many(session, _insert_sql(mark, ROWS_PER_INSERT), [values[i : i + step] for i in range(0, full, step)])
    if full < len(values):
        execute_many(session, _insert_sql(mark, 1), [values[i : i + width] for i in range(full, len(values), width)])


@dataclass(frozen=True)
class ChainVerdict:
    """What recomputing the chain found. ``fault`` is a stable code (people's wording is the
    workflow's job): ``gap`` (a sequence number is missing), ``prev_hash`` (an event does not point
    at its predecessor), ``hash`` (an event's content no longer matches its hash), ``tail`` (the head
    row says more events exist than are stored), ``head_missing`` (events are stored but the head row
    was deleted)."""

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    fault: str = ""
    expected_events: int | None = None


def iter_events(
    session: Session, round_id: int | None = None, batch: int = 5000, offices: tuple[int, ...] | None = None
) -> Iterator[AuditEvent]:
    """Events in chain order, fetched in batches so a long trail does not load at once.

    ``offices`` keeps the events of those offices: named on the event, or (stored before events named
    their office) through the event's round; and the server's own events (a backup, a restored chain
    head), which name no office and concern every office's data.
    """
    last = 0
    while True:
        stmt = _scoped(
            select(m.AuditEvent).where(m.AuditEvent.seq > last).order_by(m.AuditEvent.seq).limit(batch),
            round_id,
            offices,
        )
        chunk = list(session.execute(stmt).scalars())
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq


def _scoped(stmt: Any, round_id: int | None, offices: tuple[int, ...] | None) -> Any:
    """``stmt`` kept to one round's events and to these offices' (see :func:`iter_events`)."""
    if round_id is not None:
        stmt = stmt.where(m.AuditEvent.round_id == round_id)
    if offices is not None:
        ids = list(offices) or [-1]
        rounds = select(m.Round.id).where(m.Round.office_id.in_(ids))  # type: ignore[union-attr]
        unnamed = m.AuditEvent.office_id.is_(None) & or_(  # type: ignore[union-attr]
            m.AuditEvent.round_id.is_(None),  # type: ignore[union-attr]
            m.AuditEvent.round_id.in_(rounds),  # type: ignore[union-attr]
        )
        stmt = stmt.where(or_(m.AuditEvent.office_id.in_(ids), unnamed))  # type: ignore[union-attr]
    return stmt


def count_events(session: Session, round_id: int | None = None, offices: tuple[int, ...] | None = None) -> int:
    """How many events :func:`iter_events` would yield, counted in SQL."""
    stmt = _scoped(select(func.count()).select_from(m.AuditEvent), round_id, offices)
    return int(session.execute(stmt).scalar_one())


def event_page(
    session: Session,
    round_id: int | None = None,
    offices: tuple[int, ...] | None = None,
    *,
    offset: int = 0,
    limit: int = 200,
) -> list[AuditEvent]:
    """The ``limit`` events after the first ``offset`` of :func:`iter_events`, in chain order: a page."""
    stmt = _scoped(select(m.AuditEvent).order_by(m.AuditEvent.seq), round_id, offices).offset(offset).limit(limit)
    return list(session.execute(stmt).scalars())


VERIFY_BATCH = chain_check.BATCH
PARALLEL_MIN = 200_000
"""Below this many events a SQLite trail is checked in this process alone: a helper's start-up (~50 ms)
would cost more than the share of the work it takes."""
MAX_PROCESSES = 4

_stored_at = chain_check.stored_at


def verify_chain(session: Session, *, processes: int | None = None, parallel_min: int = PARALLEL_MIN) -> ChainVerdict:
    """Recompute every hash in order; report the first sequence number that does not fit.

    Read as plain DB-API rows in batches by sequence number (keyset, so a million events never sit in
    memory at once) and checked by ``chain_check.check_rows``: ORM objects and per-row calls cost more
    than the hashing. Each event's check needs only its predecessor's *stored* hash, so a large SQLite
    trail is cut into seq ranges checked side by side: helper processes (``chain_check.py``, standard
    library only) take the earlier ranges on their own read-only connections, this process the last one;
    the verdicts are joined in seq order, so the first fault reported is the one a single walk finds.
    ``processes`` defaults to the CPUs this process may use (at most ``MAX_PROCESSES``); 1 walks alone.
    """
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        ranges = _ranges(session, cursor, processes, parallel_min)
        helpers = [_start_helper(session, lo, hi) for lo, hi in ranges[:-1]]
        mark = placeholder(session)
        sql = f"SELECT {chain_check.COLUMNS} FROM auditevent WHERE seq > {mark} ORDER BY seq LIMIT {VERIFY_BATCH}"

        def fetch(last: int) -> Sequence[Any]:
            cursor.execute(sql, (last,))
            return cursor.fetchall()

        lo = ranges[-1][0]
        prev = GENESIS_HASH
        if lo > 0:
            cursor.execute(f"SELECT hash FROM auditevent WHERE seq = {mark}", (lo,))
            found = cursor.fetchone()
            prev = GENESIS_HASH if found is None else found[0]  # missing: the range before reports the gap
        own = chain_check.check_rows(fetch, lo, None, prev)
        verdicts = [_finish_helper(session, helper, lo, hi) for helper, (lo, hi) in zip(helpers, ranges, strict=False)]
        checked = 0
        for fault, count, bad, last in [*verdicts, own]:
            if fault:
                return ChainVerdict(False, checked + count, bad, fault)
            checked += count
            prev = last
        cursor.execute("SELECT seq, hash FROM audithead WHERE id = 1")
        head = cursor.fetchall()
    finally:
        cursor.close()
    if not head and checked:
        return ChainVerdict(False, checked, checked + 1, "head_missing")
    if head and (head[0][0] != checked or (checked and head[0][1] != prev)):
        return ChainVerdict(False, checked, checked + 1, "tail", head[0][0])
    return ChainVerdict(True, checked)


def _sqlite_file(session: Session) -> str | None:
    """The file of this session's SQLite database; None for PostgreSQL or an in-memory database."""
    url = session.get_bind().url
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return database


def _ranges(session: Session, cursor: Any, processes: int | None, parallel_min: int) -> list[tuple[int, int | None]]:
    """The seq ranges ``(lo, hi]`` to check side by side, the last one open-ended (this process's)."""
    if processes is None:
        processes = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, MAX_PROCESSES)
    if processes < 2 or _sqlite_file(session) is None or not sys.executable:
        return [(0, None)]
    cursor.execute("SELECT max(seq) FROM auditevent")
    top = cursor.fetchone()[0] or 0
    if top < max(parallel_min, processes):
        return [(0, None)]
    bounds = [top * k // processes for k in range(processes)]
    return [(bounds[k], bounds[k + 1]) for k in range(processes - 1)] + [(bounds[-1], None)]


def _start_helper(session: Session, lo: int, hi: int | None) -> subprocess.Popen[str] | None:
    """``chain_check.py`` on one range, isolated (-I: no site, no PYTHONPATH, no script folder on the path)."""
    database = _sqlite_file(session)
    assert database is not None
    try:
        return subprocess.Popen(
            [sys.executable, "-I", "-S", chain_check.__file__, database, str(lo), "-" if hi is None else str(hi)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
    except OSError:
        return None


def _finish_helper(
    session: Session, helper: subprocess.Popen[str] | None, lo: int, hi: int | None
) -> chain_check.Verdict:
    """A helper's verdict; a helper that could not start or failed has its range checked here instead."""
    if helper is not None:
        out, _ = helper.communicate()
        if helper.returncode == 0:
            try:
                fault, count, bad, last = json.loads(out)
                return str(fault), int(count), None if bad is None else int(bad), str(last)
            except (ValueError, TypeError):
                pass
    raw = session.connection().connection.dbapi_connection
    return chain_check.check_sqlite_range(raw, lo, hi)


@dataclass(frozen=True)
class TableStates:
    """What the state tables say now, in the shape replaying the trail rebuilds."""

    recipients: dict[int, tuple[int, str, str]]  # id → (round_id, state, unit_name)
    comments: dict[int, tuple[int, str, str, str, str]]  # id → (reply_id, target, text, basis, reason)
    decisions: dict[int, tuple[str, str]]  # comment_id → (outcome, reason)
    drafts: dict[int, str]  # id → state
    rounds: dict[int, str]  # id → state


def table_states(session: Session) -> TableStates:
    c = m.Comment
    return TableStates(
        recipients={
            r.id: (r.round_id, r.state, r.unit_name)
            for r in session.execute(
                select(m.Recipient.id, m.Recipient.round_id, m.Recipient.state, m.Recipient.unit_name)
            )
        },
        comments={
            r.id: (r.reply_id, r.target, r.text, r.basis, r.reason)
            for r in session.execute(select(c.id, c.reply_id, c.target, c.text, c.basis, c.reason))
        },
        decisions={
            r.comment_id: (r.outcome, r.reason)
            for r in session.execute(select(m.Decision.comment_id, m.Decision.outcome, m.Decision.reason))
        },
        drafts={r.id: r.state for r in session.execute(select(m.Draft.id, m.Draft.state))},
        rounds={r.id: r.state for r in session.execute(select(m.Round.id, m.Round.state))},
    )
