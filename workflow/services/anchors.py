"""Where each comment of a round points now: its anchor (the item of the round's version its target named)
carried through every later version by the links matched on wording — "现第六条（原第五条）", a split
("现第七条、第八条（原第六条）") or a deletion ("原第九条（第2稿已删除）")."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from storage.models import Comment, DraftItem, DraftVersion
from storage.uow import UnitOfWork
from storage.views import CommentRow, DecisionRow
from workflow.draft_targets import resolve_target
from workflow.item_matching import normalise
from workflow.services._common import load_draft, load_round
from workflow.services.draft_items import Chain, load_chain

if TYPE_CHECKING:
    from storage.models import Decision


@dataclass(frozen=True)
class Anchor:
    original: str  # the item's label in the version the round asked about
    version: int  # the version ``label`` belongs to (or the one that deleted the item)
    label: str | None = None  # where it is now; None once deleted
    removed: bool = False
    changed: bool = False  # its wording (or a part inside it) differs from the round's version, or it was split
    split_into: tuple[str, ...] = ()

    @property
    def moved_from(self) -> str | None:
        return self.original if self.label is not None and self.label != self.original else None

    @property
    def display(self) -> str:
        if self.removed:
            return f"原{self.original}（第{self.version}稿已删除）"
        if len(self.split_into) > 1:
            return f"现{'、'.join(self.split_into)}（原{self.original}）"
        if self.moved_from:
            return f"现{self.label}（原{self.original}）"
        return self.label or self.original

    def to_dict(self) -> dict[str, Any]:
        base: dict[str, Any] = {"version": self.version, "original": self.original, "display": self.display}
        if self.removed:
            return {"removed": True, "label": None, "moved_from": None, "changed": True, "split_into": [], **base}
        return {
            "removed": False,
            "label": self.label,
            "moved_from": self.moved_from,
            "changed": self.changed,
            "split_into": list(self.split_into),
            **base,
        }


@dataclass
class RoundAnchors:
    """The chain from the round's version to the draft's current one, and the anchors read from it.

    What it reads off the chain is remembered (an anchor per start item, the changed items): the chain's
    versions never change once stored, so one object serves every request on the same chain
    (:func:`round_anchors` keeps them)."""

    chain: Chain
    kind: str
    _reached: dict[int, set[int]] = field(default_factory=dict)
    _changed: frozenset[int] | None = None
    _anchors: dict[int, Anchor | None] = field(default_factory=dict)
    _targets: dict[str, int | None] = field(default_factory=dict)
    _origins: dict[int, int] | None = None

    def reached(self, seq: int) -> set[int]:
        if seq not in self._reached:
            self._reached[seq] = self.chain.reached(seq)
        return self._reached[seq]

    def anchor_seq(self, comment: Comment | CommentRow) -> int | None:
        """The stored anchor, or (a comment stored before anchors existed) its target resolved now."""
        if comment.anchor_seq is not None:
            return comment.anchor_seq
        if not comment.target:
            return None
        if comment.target not in self._targets:
            found = resolve_target(comment.target, self.kind, self.chain.items[self.chain.start]).seq
            self._targets[comment.target] = found
        return self._targets[comment.target]

    def changed_now(self) -> frozenset[int]:
        """Items of the current version that are new, or whose wording differs from where they came from."""
        if self._changed is None:
            self._changed = frozenset(self._changed_now())
        return self._changed

    def _changed_now(self) -> set[int]:
        chain = self.chain
        origins: dict[int, list[int]] = {}
        for first in chain.items[chain.start]:
            for seq in self.reached(first.seq):
                origins.setdefault(seq, []).append(first.seq)
        changed = set()
        for y in chain.items[chain.end]:
            xs = origins.get(y.seq, [])
            if not xs or len(xs) > 1 or any(len(self.reached(x)) > 1 for x in xs):
                changed.add(y.seq)
                continue
            before = chain.item(chain.start, xs[0])
            if before is None or normalise(before.text) != normalise(y.text):
                changed.add(y.seq)
        # a chapter, article or 款 changed when anything inside it did
        parents = {i.seq: i.parent_seq for i in chain.items[chain.end]}
        for seq in list(changed):
            parent = parents.get(seq)
            while parent is not None:
                changed.add(parent)
                parent = parents.get(parent)
        return changed

    def anchor(self, comment: Comment | CommentRow, changed: AbstractSet[int] | None = None) -> Anchor | None:
        """Where ``comment``'s item is now (``changed``: :meth:`changed_now`, or another set to judge by)."""
        seq = self.anchor_seq(comment)
        if seq is None:
            return None
        if changed is not None and changed is not self._changed:
            return self._anchor(seq, changed)
        return self._start_anchor(seq)

    def _start_anchor(self, seq: int) -> Anchor | None:
        if seq not in self._anchors:
            self._anchors[seq] = self._anchor(seq, self.changed_now())
        return self._anchors[seq]

    def at(self, version: int, seq: int) -> Anchor | None:
        """Where item ``seq`` of ``version`` is now: a decision's 落实于 item, named in the version that was
        current when it was decided (the round's, or a revision's). As for a comment's anchor, "原" is its
        number in the round's version where it has one, and whether it changed is judged against that
        version: that is what the revisions carried out."""
        chain = self.chain
        if version == chain.start:
            return self._start_anchor(seq)
        named = chain.item(version, seq) if chain.start < version <= chain.end else None
        if named is None:
            return None
        now, removed_at = chain.main_path(seq, since=version)
        if now is None:
            return Anchor(named.label, removed_at or chain.end, removed=True, changed=True)
        item = chain.item(chain.end, now)
        pieces = sorted(chain.reached(seq, since=version))
        labels = tuple(i.label for i in chain.items[chain.end] if i.seq in pieces and _top(i, pieces))
        origin = self._main_origins().get(now)
        first = chain.item(chain.start, origin) if origin is not None else None
        return Anchor(
            first.label if first else named.label,
            chain.end,
            label=item.label if item else named.label,
            changed=now in self.changed_now() or len(pieces) > 1,
            split_into=labels if len(labels) > 1 else (),
        )

    def _main_origins(self) -> dict[int, int]:
        """Item of the current version → the one item of the round's version whose main path ends there."""
        if self._origins is None:
            ends: dict[int, list[int]] = {}
            for first in self.chain.items[self.chain.start]:
                now, _removed = self.chain.main_path(first.seq)
                if now is not None:
                    ends.setdefault(now, []).append(first.seq)
            self._origins = {now: starts[0] for now, starts in ends.items() if len(starts) == 1}
        return self._origins

    def change_anchor(self, decision: Decision | DecisionRow | None) -> Anchor | None:
        """Where the item a decision says it is carried out in (``落实于第五条``) is now; None without one."""
        if decision is None or decision.change_item_seq is None or decision.change_item_version is None:
            return None
        return self.at(decision.change_item_version, decision.change_item_seq)

    def _anchor(self, seq: int, changed_set: AbstractSet[int]) -> Anchor | None:
        chain = self.chain
        start_item = chain.item(chain.start, seq)
        if start_item is None:
            return None
        now, removed_at = chain.main_path(start_item.seq)
        if now is None:
            return Anchor(start_item.label, removed_at or chain.end, removed=True, changed=True)
        item = chain.item(chain.end, now)
        pieces = sorted(self.reached(start_item.seq))
        labels = tuple(i.label for i in chain.items[chain.end] if i.seq in pieces and _top(i, pieces))
        reworded = item is None or normalise(item.text) != normalise(start_item.text)
        inside = any(seq in changed_set for seq in _descendants(chain.items[chain.end], now))
        return Anchor(
            start_item.label,
            chain.end,
            label=item.label if item else start_item.label,
            changed=reworded or inside or len(pieces) > 1,
            split_into=labels if len(labels) > 1 else (),
        )


def _descendants(items: list[DraftItem], seq: int) -> set[int]:
    """The 款 and 项 of an article, the articles of a chapter: everything inside item ``seq``."""
    inside: set[int] = set()
    frontier = {seq}
    while frontier:
        frontier = {i.seq for i in items if i.parent_seq in frontier}
        inside |= frontier
    return inside


def _top(item: DraftItem, pieces: list[int]) -> bool:
    """A piece counts once: not when its parent is a piece too (a 款 inside an article that is one)."""
    return item.parent_seq not in pieces


CACHE_SIZE = 64
_CACHE: OrderedDict[tuple[Any, ...], RoundAnchors] = OrderedDict()
_LOCK = threading.Lock()


def chain_key(chain: Chain) -> tuple[Any, ...]:
    """The chain's versions by id, with a digest of what the anchors are read from (items and links).

    A stored version's items never change, so its id would do within one database; the digest keeps the
    cache right where an id names another version (another database in the same process, an id SQLite
    handed out again after an import rolled back)."""
    digest = hashlib.blake2b(digest_size=16)
    for v in range(chain.start, chain.end + 1):
        row = chain.rows[v]
        digest.update(f"v{row.id}|{row.kind}\x1d".encode())
        for i in chain.items[v]:
            digest.update(f"{i.seq}|{i.parent_seq}|{i.kind}|{i.number}|{i.label}|{i.heading}\x1f{i.text}\x1e".encode())
        for k in chain.links.get(v, ()):
            digest.update(f"{k.from_seq}>{k.to_seq}{'*' if k.primary else ''}\x1e".encode())
    return (chain.start, chain.end, tuple(chain.rows[v].id for v in range(chain.start, chain.end + 1)), digest.digest())


def _detached(chain: Chain) -> Chain:
    """The chain with copies of its rows and items, in no session: the cached chain outlives this unit of
    work and is read by other threads' requests, so nothing in it may belong to (or be expired by) a session."""
    return Chain(
        chain.start,
        chain.end,
        rows={v: DraftVersion(**row.model_dump()) for v, row in chain.rows.items()},
        items={v: [DraftItem(**i.model_dump()) for i in items] for v, items in chain.items.items()},
        links=dict(chain.links),
    )


def round_anchors(uow: UnitOfWork, round_id: int) -> RoundAnchors:
    """The round's chain (its version to the draft's current one), shared with earlier requests on the same
    chain: a new version makes a new chain, so nothing read off an older one is served for it."""
    rnd = load_round(uow, round_id)
    draft = load_draft(uow, rnd.draft_id)
    chain = load_chain(uow, draft.id or 0, rnd.version, max(rnd.version, draft.current_version))
    key = chain_key(chain)
    with _LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
            return found
        found = _CACHE[key] = RoundAnchors(_detached(chain), chain.rows[rnd.version].kind)
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return found


def anchors_for(
    uow: UnitOfWork, round_id: int, comments: Iterable[Comment | CommentRow]
) -> dict[int, dict[str, Any] | None]:
    """Each comment's anchor as the status and API show it (None: free text, no item named)."""
    found = round_anchors(uow, round_id)
    changed = found.changed_now()
    out: dict[int, dict[str, Any] | None] = {}
    for comment in comments:
        anchor = found.anchor(comment, changed)
        out[comment.id or 0] = anchor.to_dict() if anchor else None
    return out


def queue_anchors(
    uow: UnitOfWork,
    round_id: int,
    queue: Iterable[tuple[Comment | CommentRow, Any, Any, Decision | DecisionRow | None]],
) -> tuple[dict[int, dict[str, Any] | None], dict[int, dict[str, Any] | None]]:
    """For each comment of the decision queue (by id): its anchor, and where its decision's 落实于 item is
    now (None: no item named), from one read of the round's chain."""
    found = round_anchors(uow, round_id)
    changed = found.changed_now()
    anchors: dict[int, dict[str, Any] | None] = {}
    targets: dict[int, dict[str, Any] | None] = {}
    for comment, _reply, _unit, decision in queue:
        anchor = found.anchor(comment, changed)
        target = found.change_anchor(decision)
        anchors[comment.id or 0] = anchor.to_dict() if anchor else None
        targets[comment.id or 0] = target.to_dict() if target else None
    return anchors, targets
