"""Entity references as the audit trail writes them (``round:7``), made and read in one place."""

from __future__ import annotations


def ref(kind: str, entity_id: int | None) -> str:
    """``ref("round", 7)`` → ``"round:7"``: the ``entity`` of an audit event."""
    return f"{kind}:{entity_id}"


def parse_ref(entity: str) -> tuple[str, int | None]:
    """``"round:7"`` → ``("round", 7)``; an entity without a numeric id gives ``(kind, None)``."""
    kind, _, raw = entity.partition(":")
    return kind, int(raw) if raw.isdigit() else None
