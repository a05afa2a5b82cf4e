"""The web app's GET routes with the dependencies each one resolves, and the GETs that write (with why).

Every GET reads in a read-only unit of work (``entrypoints.web.deps.ReadUowDep``; on SQLite it waits for no
writer and no writer waits for it) unless it is listed in ``WRITING_GETS`` and asks for the writing one
(``UowDep``). tests/unit/test_architecture__read_only_gets.py holds the routes to that; the walk in
tests/e2e/test_web__read_only_gets.py shows each one answers without a refused write.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

WRITING_GETS: dict[str, str] = {
    "/healthz": "writes a row and rolls it back, to prove the database takes writes (read-only, disk full)",
    "/r/{token}": "counts the use of the reply link (rate limit per client and token, and unknown tokens)",
    "/r/{token}/signed/{document_id}": "counts the use of the reply link",
    "/r/{token}/{kind}.docx": "counts the use of the reply link",
    "/api/v1/links/{token}": "counts the use of the reply link",
    "/api/v1/links/{token}/signed/{document_id}": "counts the use of the reply link",
    "/p/{token}": "counts the use of the progress link",
    "/public/receipt": "counts the look-up against the client (receipt numbers cannot be guessed quickly)",
    "/api/v1/public/receipts/{receipt}": "counts the look-up against the client",
    "/rounds/{round_id}/links": "gives a live link to each recipient that has none yet (a revoked link stays revoked)",
    "/rounds/{round_id}/decisions": "groups the public comments that arrived since the last view (audited)",
    "/rounds/{round_id}/public": "groups the public comments that arrived since the last view (audited)",
    "/rounds/{round_id}/public/comments.{fmt}": "groups new public comments before exporting them (audited)",
    "/api/v1/rounds/{round_id}/public/comments": "groups new public comments before listing them (audited)",
    "/api/v1/rounds/{round_id}/public/groups": "groups new public comments before listing the groups (audited)",
    "/api/v1/rounds/{round_id}/public/export": "groups new public comments before exporting them (audited)",
}
"""Path → why the GET writes. Everything else a GET does is a read."""


@dataclass(frozen=True)
class GetRoute:
    path: str
    endpoint: Callable[..., Any]
    calls: frozenset[Callable[..., Any]]  # every dependency it resolves, sub-dependencies included

    @property
    def opens_its_own_unit_of_work(self) -> bool:
        return "UnitOfWork(" in inspect.getsource(self.endpoint)


def dependency_calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    """Every dependency a route resolves, its sub-dependencies' too."""
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from dependency_calls(sub)


def app_routes(app: FastAPI) -> Iterator[tuple[str, frozenset[str], APIRoute]]:
    """Every API route of the app (its included routers' too): path, methods, route."""
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and context.path is not None:
            yield context.path, frozenset(context.methods or ()), route


def get_routes(app: FastAPI) -> list[GetRoute]:
    return [
        GetRoute(path, route.endpoint, frozenset(dependency_calls(route.dependant)))
        for path, methods, route in app_routes(app)
        if "GET" in methods
    ]
