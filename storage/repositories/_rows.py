"""Loading one row by its id with a statement built once per table.

``Session.get`` builds a new SELECT at every call for a row the session does not hold, and SQLAlchemy then
computes that statement's cache key anew (it is memoized on the statement object), and a scoped session adds
its office conditions to it anew (``storage.scope``): together more than the query itself costs. A statement
built once keeps its cache key, and its scoped form (``storage.scope._Scope.scoped``), for every later call.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session

T = TypeVar("T")


@cache
def by_id(entity: type) -> Any:
    """``SELECT <entity> WHERE id = :id``, built once (run it with ``{"id": …}``)."""
    return select(entity).where(entity.id == bindparam("id"))


def get(session: Session, entity: type[T], row_id: int) -> T | None:
    """What ``session.get(entity, row_id)`` gives: a row the session holds as it holds it (``Session.get``
    itself, which also reloads it if it was expired, and answers None for no id), any other by the statement
    built once."""
    if row_id is None or session.identity_map.get(identity_key(entity, row_id)) is not None:
        return session.get(entity, row_id)
    return session.execute(by_id(entity), {"id": row_id}).scalars().first()
