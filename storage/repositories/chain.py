"""Cheaper checks of the audit chain for pages: resume from a point already verified, and one round's events.

``storage.audit.verify_chain`` recomputes every event from genesis: right for ``consultflow audit verify``
and checkpoints, too slow for a page a reviewer opens again and again (a million events take seconds).
``verify_since`` continues from an event whose hash a full verification already confirmed, after
checking that event still holds that hash; ``verify_round`` recomputes one round's events, each against
its own stored predecessor. Same hashing and the same fault codes as the full check.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from storage.audit import GENESIS_HASH, VERIFY_BATCH, ChainVerdict, _hash, _stored_at
from storage.bulk import fetch_all, placeholder

_FIELDS = (
    "seq, at, actor, role, action, entity, round_id, from_state, to_state, payload, imported, prev_hash, hash, "
    "office_id"
)


def _digest(row: Any) -> str:
    """The hash an event row (``_FIELDS``, in order) should carry."""
    seq, at, actor, role, action, entity, round_id, from_state, to_state, payload, imported, prev_hash = row[:12]
    return _hash(
        seq, _stored_at(at), actor, role, action, entity, round_id, from_state, to_state, payload, bool(imported),
        prev_hash, row[13],
    )  # fmt: skip


class ChainReader:
    def __init__(self, session: Session) -> None:
        self._session = session

    def database(self) -> str:
        """Which database this is (the same URL is the same trail): the key of a process's verified head."""
        bind = self._session.get_bind()
        return bind.url.render_as_string(hide_password=True)  # type: ignore[union-attr]

    def verify_since(self, seq: int, digest: str) -> ChainVerdict | None:
        """The chain after event ``seq`` whose hash was verified as ``digest`` (0 and genesis: the whole chain).

        None when that event is gone or holds another hash: the trail before it was rewritten (or restored),
        and only a full verification can say where. ``checked`` counts every event up to the head."""
        mark = placeholder(self._session)
        if seq:
            found = fetch_all(self._session, f"SELECT hash FROM auditevent WHERE seq = {mark}", (seq,))
            if not found or found[0][0] != digest:
                return None
        elif digest != GENESIS_HASH:
            return None
        expected, prev, checked = seq + 1, digest, seq
        sql = f"SELECT {_FIELDS} FROM auditevent WHERE seq > {mark} ORDER BY seq LIMIT {VERIFY_BATCH}"
        last = seq
        while True:
            rows = fetch_all(self._session, sql, (last,))
            if not rows:
                break
            for row in rows:
                if row[0] != expected:
                    return ChainVerdict(False, checked, expected, "gap")
                if row[11] != prev:
                    return ChainVerdict(False, checked, row[0], "prev_hash")
                if _digest(row) != row[12]:
                    return ChainVerdict(False, checked, row[0], "hash")
                prev = row[12]
                expected += 1
                checked += 1
            last = rows[-1][0]
        head = fetch_all(self._session, "SELECT seq, hash FROM audithead WHERE id = 1", ())
        if not head and checked:
            return ChainVerdict(False, checked, checked + 1, "head_missing")
        if head and (head[0][0] != checked or (checked and head[0][1] != prev)):
            return ChainVerdict(False, checked, checked + 1, "tail", head[0][0])
        return ChainVerdict(True, checked)

    def head_hash(self) -> tuple[int, str]:
        """(seq, hash) of the last stored event; (0, genesis) for an empty trail."""
        rows = fetch_all(self._session, "SELECT seq, hash FROM auditevent ORDER BY seq DESC LIMIT 1", ())
        return (int(rows[0][0]), str(rows[0][1])) if rows else (0, GENESIS_HASH)

    def verify_round(self, round_id: int) -> ChainVerdict:
        """Each of the round's events recomputed, and linked to the event stored before it. ``checked``
        counts the round's events; a fault names the first event of the round that does not fit."""
        mark = placeholder(self._session)
        columns = ", ".join(f"e.{c.strip()}" for c in _FIELDS.split(","))
        rows = fetch_all(
            self._session,
            f"SELECT {columns}, p.hash FROM auditevent e LEFT JOIN auditevent p ON p.seq = e.seq - 1 "
            f"WHERE e.round_id = {mark} ORDER BY e.seq",
            (round_id,),
        )
        checked = 0
        for row in rows:
            before = GENESIS_HASH if row[0] == 1 else row[14]
            if before is None:
                return ChainVerdict(False, checked, row[0] - 1, "gap")
            if row[11] != before:
                return ChainVerdict(False, checked, row[0], "prev_hash")
            if _digest(row) != row[12]:
                return ChainVerdict(False, checked, row[0], "hash")
            checked += 1
        return ChainVerdict(True, checked)
