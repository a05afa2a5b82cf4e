"""Which public comments say the same thing: normalised text, a similarity score, union-find.

Campaigns copy one text and change it a little: punctuation, a few characters, the order of its
clauses. So comments are compared on their *normalised* text (NFKC, case folded, only letters and
digits kept) turned into a sorted list of character bigrams: a changed character changes two bigrams,
a moved clause only the bigrams at its two ends, and the sorted lists of two copies stay nearly equal
whatever the order. ``rapidfuzz`` scores two such lists (normalised Indel similarity, 0–100, in C++);
pairs at or above the office's threshold are joined with union-find, so copies of copies end up in
one group. Identical normalised texts are joined before any scoring (the usual campaign).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence

# rapidfuzz is imported by the functions that score: the moderation and listing commands import this
# module (through the grouping) without comparing anything, and every CLI call is a new process.


def normalise(text: str) -> str:
    """Letters and digits only, NFKC, case folded: punctuation, spaces and symbols do not make a new opinion."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in ("L", "N"))


def text_hash(normalised: str) -> str:
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def fingerprint(normalised: str) -> str:
    """The sorted character bigrams of ``normalised``, space-separated (the text itself when shorter than 2)."""
    if len(normalised) < 2:
        return normalised
    return " ".join(sorted(normalised[i : i + 2] for i in range(len(normalised) - 1)))


def score(a: str, b: str) -> float:
    """Similarity of two normalised texts, 0–100."""
    from rapidfuzz import fuzz

    return float(fuzz.ratio(fingerprint(a), fingerprint(b)))


class UnionFind:
    """Disjoint sets over 0..n-1 with path halving and union by size."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]


def cluster(texts: Sequence[str], threshold: float) -> list[int]:
    """A cluster label per normalised text (the index of its cluster's first member).

    Identical texts are joined first; the distinct ones are compared pairwise by ``rapidfuzz.process.extract``
    on their bigram fingerprints and every pair scoring ``threshold`` or more is joined."""
    from rapidfuzz import fuzz, process

    sets = UnionFind(len(texts))
    first: dict[str, int] = {}
    for i, text in enumerate(texts):
        if text in first:
            sets.union(first[text], i)
        else:
            first[text] = i
    distinct = list(first.values())
    prints = [fingerprint(texts[i]) for i in distinct]
    for a in range(len(prints) - 1):
        later = prints[a + 1 :]
        for _choice, _score, offset in process.extract(
            prints[a], later, scorer=fuzz.ratio, score_cutoff=threshold, limit=None
        ):
            sets.union(distinct[a], distinct[a + 1 + offset])
    roots: dict[int, int] = {}
    return [roots.setdefault(sets.find(i), i) for i in range(len(texts))]


def best_match(text: str, prints: Sequence[str], threshold: float) -> int | None:
    """The index in ``prints`` (fingerprints of normalised texts) most like ``text`` at or above ``threshold``."""
    if not prints:
        return None
    from rapidfuzz import fuzz, process

    found = process.extractOne(fingerprint(text), prints, scorer=fuzz.ratio, score_cutoff=threshold)
    return int(found[2]) if found is not None else None
