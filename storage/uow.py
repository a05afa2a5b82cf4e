"""Unit of work: one transaction, its repositories and its audit buffer, committed explicitly.

A state change and its audit events (and, later, its outbox messages) are flushed in the same
transaction, so either all of them are stored or none is. A read-only unit of work (``read_only=True``)
reads beside writers and refuses every write (``storage.readonly``).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable
from importlib import import_module
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, overload

from sqlalchemy import Engine
from sqlmodel import Session, SQLModel

from storage.audit import AuditLog
from storage.checkpoints import Checkpoint, publisher_for
from storage.readonly import READ_ONLY_KEY, ReadOnlyViolation, set_read_only
from storage.scope import scope_of, set_scope

if TYPE_CHECKING:
    from storage.repositories.accounts import AccountRepo
    from storage.repositories.chain import ChainReader
    from storage.repositories.directory import DirectoryRepo
    from storage.repositories.drafts import DraftRepo
    from storage.repositories.links import LinkRepo
    from storage.repositories.outbox import OutboxRepo
    from storage.repositories.process import ProcessRepo
    from storage.repositories.public import PublicRepo
    from storage.repositories.ratelimit import RateLimitRepo
    from storage.repositories.replies import ReplyRepo
    from storage.repositories.rounds import RoundRepo
    from storage.repositories.tracking import TrackingRepo

R = TypeVar("R")


class _Repo(Generic[R]):
    """A repository of the unit of work, created on first use in each unit of work, its module imported
    then. Why: a CLI command is a new process that uses two or three of the twelve and pays for every
    module it imports (the tables themselves are created when a statement names them, ``storage.models``)."""

    def __init__(self, path: str) -> None:
        self._module, _, self._class = path.rpartition(".")

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, uow: None, owner: type) -> Self: ...

    @overload
    def __get__(self, uow: UnitOfWork, owner: type) -> R: ...

    def __get__(self, uow: UnitOfWork | None, owner: type) -> Self | R:
        if uow is None:
            return self
        repo = getattr(import_module(self._module), self._class)(uow.session)
        uow.__dict__[self._name] = repo  # kept until the unit of work is entered again
        return repo  # type: ignore[no-any-return]


class StoredOnce:
    """Data derived from rows that never change once stored (a draft version's items), shared by every unit
    of work on one engine: a reply validates its comments against its draft version's items, and loading
    them as ORM rows cost more than the rest of the reply. Bounded (least recently used out); keys must
    name an immutable stored thing precisely (e.g. a version's id *and* creation time)."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_STORED_ONCE: weakref.WeakKeyDictionary[Engine, StoredOnce] = weakref.WeakKeyDictionary()
_STORED_ONCE_LOCK = threading.Lock()


def stored_once(engine: Engine) -> StoredOnce:
    """The engine's cache of immutable stored data (one per database: tests open many with the same ids)."""
    with _STORED_ONCE_LOCK:
        cache = _STORED_ONCE.get(engine)
        if cache is None:
            cache = _STORED_ONCE[engine] = StoredOnce()
        return cache


class UnitOfWork:
    """``with UnitOfWork(engine) as uow: ...; uow.commit()`` — leaving without commit rolls back.

    ``offices`` scopes it (``storage.scope``): it then reads only those offices' rows, and its audit
    events name the office when the scope is one office.

    ``read_only``: it only reads, and refuses any write with ``ReadOnlyViolation`` (``storage.readonly``);
    on SQLite its transactions begin deferred, so they wait for no writer and no writer waits for them.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        importing: bool = False,
        read_only: bool = False,
        offices: Collection[int] | None = None,
    ) -> None:
        self._engine = engine
        self.importing = importing
        self.read_only = read_only
        self._offices = offices

    directory: _Repo[DirectoryRepo] = _Repo("storage.repositories.directory.DirectoryRepo")
    drafts: _Repo[DraftRepo] = _Repo("storage.repositories.drafts.DraftRepo")
    rounds: _Repo[RoundRepo] = _Repo("storage.repositories.rounds.RoundRepo")
    replies: _Repo[ReplyRepo] = _Repo("storage.repositories.replies.ReplyRepo")
    outbox: _Repo[OutboxRepo] = _Repo("storage.repositories.outbox.OutboxRepo")
    links: _Repo[LinkRepo] = _Repo("storage.repositories.links.LinkRepo")
    accounts: _Repo[AccountRepo] = _Repo("storage.repositories.accounts.AccountRepo")
    rate_limits: _Repo[RateLimitRepo] = _Repo("storage.repositories.ratelimit.RateLimitRepo")
    tracking: _Repo[TrackingRepo] = _Repo("storage.repositories.tracking.TrackingRepo")
    process: _Repo[ProcessRepo] = _Repo("storage.repositories.process.ProcessRepo")
    public: _Repo[PublicRepo] = _Repo("storage.repositories.public.PublicRepo")
    chain: _Repo[ChainReader] = _Repo("storage.repositories.chain.ChainReader")
    def _bind(self) -> Engine:
        return self._engine.execution_options(**{READ_ONLY_KEY: True}) if self.read_only else self._engine

    def __enter__(self) -> Self:
        self.session = Session(self._bind(), expire_on_commit=False)
        set_read_only(self.session, self.read_only)
        self.session.begin()
        for name, attribute in vars(UnitOfWork).items():  # repositories of an earlier session go
            if isinstance(attribute, _Repo):
                self.__dict__.pop(name, None)
        self.audit = AuditLog(self.session, imported=self.importing)
        self.restrict(self._offices)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # Detach first: rows read in this unit of work stay readable after it ends (a rollback
        # would expire them), while nothing uncommitted is ever written.
        self.session.expunge_all()
        if self.session.in_transaction():
            self.session.rollback()
        self.session.close()

    def for_reading(self) -> UnitOfWork:
        """A unit of work like this one, not yet begun, that only reads (``read_only``): on SQLite it begins
        deferred, so it neither waits for the writer nor holds the other writers up."""
        return UnitOfWork(self._engine, importing=self.importing, read_only=True, offices=self._offices)

    def restrict(self, offices: Collection[int] | None) -> None:
        """See only ``offices`` from now on (the web does this once it knows who is signed in)."""
        set_scope(self.session, offices)
        scoped = scope_of(self.session)
        self.audit.default_office = scoped[0] if scoped is not None and len(scoped) == 1 else None

    @property
    def stored_once(self) -> StoredOnce:
        """Immutable stored data already derived by this process for this database (``StoredOnce``)."""
        return stored_once(self._engine)

    @property
    def offices(self) -> tuple[int, ...] | None:
        """The offices this unit of work may see; None when unscoped (scheduler, relay, init)."""
        return scope_of(self.session)

    def save(self, row: SQLModel) -> None:
        """Stage a changed or new row and flush it, so its id and constraints are known now."""
        self.session.add(row)
        self.session.flush()

    def refresh(self, *rows: SQLModel) -> None:
        """Re-read rows from the database (e.g. after taking a lock another writer waited on). Also on
        SQLite, where the transaction holds the write lock from its start: a row may have been read in an
        earlier transaction of this unit of work (commits keep rows loaded), before that lock."""
        for row in rows:
            self.session.refresh(row)

    def in_transaction(self) -> bool:
        """Whether a transaction is open (the web closes a unit of work off the event loop only then)."""
        return self.session.in_transaction()

    def allow_writes(self) -> None:
        """Make a read-only unit of work a writing one, from its next transaction on: a web GET that writes
        asks for it before its work (``entrypoints.web.deps.write_uow``). A transaction's mode is fixed when
        it begins, so an open (read-only) one is ended first; it wrote nothing, so nothing is lost."""
        if not self.read_only:
            return
        if self.session.in_transaction():
            self.session.rollback()
        self.read_only = False
        self.session.bind = self._bind()
        set_read_only(self.session, False)
        self.session.begin()

    def has_unwritten_changes(self) -> bool:
        """Rows added, changed or deleted in this unit of work and not yet written (a cache keyed on what is
        stored must not be used by a transaction about to change it)."""
        session = self.session
        return bool(session.new or session.deleted or any(session.is_modified(o) for o in session.dirty))

    def commit(self) -> None:
        """Append the buffered audit events to the chain and commit everything at once; then, outside
        the transaction, publish a signed checkpoint if one is due (storage.checkpoints).

        A read-only unit of work only ends its transaction here; anything it was asked to write is refused
        (``ReadOnlyViolation``), never silently dropped."""
        if self.read_only:
            if self.has_unwritten_changes() or self.audit.pending:
                raise ReadOnlyViolation("commit with unwritten rows or audit events")
            self.session.commit()
            return
        self.session.flush()
        self.audit.flush()
        self.session.commit()
        appended, self.audit.appended = self.audit.appended, None
        if appended is not None:
            publisher = publisher_for(self._engine)
            if publisher is not None:
                publisher.after_commit(*appended)

    def checkpoint(self, *, publish: bool = True) -> Checkpoint | None:
        """The current chain head, signed (and appended to the checkpoint file); None without a key
        or for an empty trail."""
        publisher = publisher_for(self._engine)
        head = self.audit.head()
        if publisher is None or head is None:
            return None
        signed = publisher.key.sign(*head)
        if publish:
            publisher.publish(signed)
        return signed

    def rollback(self) -> None:
        self.session.rollback()


UowFactory = Callable[[], UnitOfWork]
"""What a service that needs several transactions (the sweep, the relay, the scheduler) is given: a
new unit of work per transaction. Services never see an engine."""


def uow_factory(engine: Engine, *, importing: bool = False, offices: Collection[int] | None = None) -> UowFactory:
    """The factory for ``engine`` (entry points build it once)."""
    return lambda: UnitOfWork(engine, importing=importing, offices=offices)
