"""How the items of one draft version continue in the next: matched by their wording, not their number.

An article inserted before 第五条 makes the old 第五条 the new 第六条; the two have the same words, so
they are matched, whatever their numbers. The steps, per kind of item (chapters first, so articles can
prefer a candidate inside the chapter their own chapter became, and 款 inside the article theirs became):

1. identical wording (after normalising spaces and full-width forms);
2. the most similar remaining pairs (``difflib`` ratio ≥ ``SIMILAR``), greedily, best first; the
   number only breaks ties (difflib judges only the few candidates whose character pairs overlap most,
   so a draft of a hundred articles revised throughout is matched in well under a second);
3. a new item whose wording comes from an already matched old one is a piece of a split
   (a secondary link: the old 第六条 continues as 第七条 and, in part, as 第八条);
4. an old item whose wording now sits inside a new item of the same family (a 款 that became an
   article of its own, an article merged into another) continues there.

Whatever is left is deleted (old) or inserted (new). No I/O: the caller stores the links.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

SIMILAR = 0.55  # below this two wordings are different items
CONTAINED = 0.8  # this share of a text found inside another: it went there
MIN_PIECE = 8  # shorter texts (一句话) are too common to be traced by containment
ORDER = ("chapter", "section", "article", "paragraph", "item", "task", "heading")
FAMILY = {"article": ("article", "paragraph", "item"), "paragraph": ("paragraph", "article", "item")}
FAMILY["item"] = ("item", "paragraph", "article")


@dataclass(frozen=True)
class MatchUnit:
    seq: int
    kind: str
    label: str
    number: int
    parent_seq: int | None
    text: str


@dataclass(frozen=True)
class Link:
    from_seq: int
    to_seq: int
    primary: bool  # the item's main continuation; a split's other pieces are secondary
    similarity: float


def normalise(text: str) -> str:
    """The wording that counts: full-width forms folded, all spaces and line breaks dropped."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def contained(part: str, whole: str) -> float:
    """The share of ``part`` found, in order, inside ``whole``."""
    if not part:
        return 0.0
    blocks = difflib.SequenceMatcher(None, whole, part, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks) / len(part)


def bigrams(text: str) -> frozenset[str]:
    """Pairs of neighbouring characters: a cheap first look at which wordings might be alike."""
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)) if len(text) > 1 else frozenset({text})


CANDIDATES = 4  # compared with difflib per item: the ones whose character pairs overlap most


class _Matcher:
    def __init__(self, old: Sequence[MatchUnit], new: Sequence[MatchUnit]) -> None:
        self.old, self.new = list(old), list(new)
        self.text = {("o", u.seq): normalise(u.text) for u in old} | {("n", u.seq): normalise(u.text) for u in new}
        self.pairs = {key: bigrams(text) for key, text in self.text.items()}
        self.links: list[Link] = []
        self.primary: dict[int, int] = {}  # old seq → new seq
        self.taken: set[int] = set()  # new seqs that continue an old item

    def _consistent(self, o: MatchUnit, n: MatchUnit) -> bool:
        return o.parent_seq is not None and self.primary.get(o.parent_seq) == n.parent_seq

    def _link(self, o: MatchUnit, n: MatchUnit, primary: bool, similarity: float) -> None:
        self.links.append(Link(o.seq, n.seq, primary, round(similarity, 4)))
        if primary:
            self.primary[o.seq] = n.seq
        self.taken.add(n.seq)

    def _closest(
        self, key: tuple[str, int], others: Sequence[tuple[tuple[str, int], MatchUnit]], *, share: bool
    ) -> list[MatchUnit]:
        """The few ``others`` whose character pairs overlap ``key``'s most (Dice, or the share of ``key``'s
        pairs found in the other when looking for a piece); difflib then judges only these."""
        mine = self.pairs[key]
        scored = []
        for other_key, unit in others:
            theirs = self.pairs[other_key]
            common = len(mine & theirs)
            score = common / len(mine) if share else 2 * common / (len(mine) + len(theirs))
            if score >= (CONTAINED * 0.75 if share else SIMILAR * 0.6):
                scored.append((score, unit))
        scored.sort(key=lambda p: -p[0])
        return [unit for _score, unit in scored[:CANDIDATES]]

    def kind(self, kind: str) -> None:
        olds = [u for u in self.old if u.kind == kind and u.seq not in self.primary]
        news = [u for u in self.new if u.kind == kind and u.seq not in self.taken]
        by_text: dict[str, list[MatchUnit]] = {}
        for n in news:
            by_text.setdefault(self.text["n", n.seq], []).append(n)
        for o in olds:  # 1. identical wording
            same = [n for n in by_text.get(self.text["o", o.seq], []) if n.seq not in self.taken]
            if same:
                best = min(same, key=lambda n: (not self._consistent(o, n), abs(n.number - o.number), n.seq))
                self._link(o, best, True, 1.0)
        olds = [o for o in olds if o.seq not in self.primary]
        news = [n for n in news if n.seq not in self.taken]
        pairs = []
        keyed = [(("n", n.seq), n) for n in news]
        for o in olds:  # 2. most similar first
            a = self.text["o", o.seq]
            for n in self._closest(("o", o.seq), keyed, share=False):
                score = ratio(a, self.text["n", n.seq])
                if score >= SIMILAR:
                    bonus = 0.05 if self._consistent(o, n) else 0.0
                    pairs.append((-(score + bonus), abs(n.number - o.number), o.seq, n.seq, o, n, score))
        for *_key, o, n, score in sorted(pairs, key=lambda p: p[:4]):
            if o.seq not in self.primary and n.seq not in self.taken:
                self._link(o, n, True, score)
        sources = [(("o", o.seq), o) for o in self.old if o.kind == kind]
        for n in news:  # 3. a split's further pieces
            piece = self.text["n", n.seq]
            if n.seq in self.taken or len(piece) < MIN_PIECE:
                continue
            scored = [
                (contained(piece, self.text["o", o.seq]), o) for o in self._closest(("n", n.seq), sources, share=True)
            ]
            if scored:
                share, source = max(scored, key=lambda p: p[0])
                if share >= CONTAINED:
                    self._link(source, n, source.seq not in self.primary, share)

    def absorbed(self) -> None:
        """4. Old items still unmatched whose wording now sits inside a new item of their family."""
        for o in self.old:
            piece = self.text["o", o.seq]
            if o.seq in self.primary or len(piece) < MIN_PIECE:
                continue
            family = FAMILY.get(o.kind, (o.kind,))
            keyed = [(("n", n.seq), n) for n in self.new if n.kind in family]
            scored = [
                (contained(piece, self.text["n", n.seq]), -len(self.text["n", n.seq]), n)
                for n in self._closest(("o", o.seq), keyed, share=True)
            ]
            if scored:
                share, _size, n = max(scored, key=lambda s: (s[0], s[1]))
                if share >= CONTAINED:
                    self._link(o, n, True, share)


def match_items(old: Sequence[MatchUnit], new: Sequence[MatchUnit]) -> list[Link]:
    """Links from the items of one version to those of the next (see the module docstring)."""
    matcher = _Matcher(old, new)
    for kind in ORDER:
        matcher.kind(kind)
    matcher.absorbed()
    return sorted(matcher.links, key=lambda link: (link.from_seq, not link.primary, link.to_seq))


def in_order(pairs: Sequence[tuple[int, int]]) -> set[tuple[int, int]]:
    """The pairs (old position, new position) that kept their order: a longest increasing run of new
    positions; the others moved (重新排序)."""
    ordered = sorted(pairs)
    best: list[int] = []  # indices into ordered; patience-free O(n²) is plenty for a draft
    lengths = [1] * len(ordered)
    previous = [-1] * len(ordered)
    for i, (_o, n) in enumerate(ordered):
        for j in range(i):
            if ordered[j][1] < n and lengths[j] + 1 > lengths[i]:
                lengths[i], previous[i] = lengths[j] + 1, j
    if ordered:
        i = max(range(len(ordered)), key=lambda k: (lengths[k], -k))
        while i >= 0:
            best.append(i)
            i = previous[i]
    return {ordered[i] for i in best}


def text_changes(before: str, after: str) -> list[tuple[str, str]]:
    """The wording change as runs of (``same`` | ``del`` | ``ins``, text), character by character, for
    highlighting what a revision changed inside an item."""
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("same", before[a1:a2]))
            continue
        if a2 > a1:
            runs.append(("del", before[a1:a2]))
        if b2 > b1:
            runs.append(("ins", after[b1:b2]))
    return runs
