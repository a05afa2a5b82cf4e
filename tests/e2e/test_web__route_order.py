"""The app matches the personal links' routes first (a reply is the busiest request); moving them ahead of
the staff routes is safe only while no request could match one of them and another route too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import Engine
from starlette.routing import compile_path

from entrypoints.web import pages_unit
from entrypoints.web.api import link_router
from tests.support.web import WebWorld, build_world

PARAM = re.compile(r"{[^}]*}")


@pytest.fixture
def world(sqlite_engine: Engine, tmp_path: Path) -> WebWorld:
    return build_world(sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)


def _paths(world: WebWorld) -> list[str]:
    """Every route's path template, in the order the app tries them (a mount: everything under it)."""
    out = []
    for context in iter_route_contexts(world.app.routes):  # type: ignore[attr-defined]
        path = context.path or ""
        out.append(path if context.methods is not None or not path else f"{path}/{{path:path}}")
    return out


def _segment_overlaps(a: str, b: str) -> bool:
    """Could one path segment match both templates? Two literals must be equal; a literal must fit the
    other's pattern; two patterns are assumed to overlap (conservative)."""
    a_literal, b_literal = not PARAM.search(a), not PARAM.search(b)
    if a_literal and b_literal:
        return a == b
    if a_literal or b_literal:
        literal, template = (a, b) if a_literal else (b, a)
        return bool(compile_path("/" + template)[0].match("/" + literal))
    return True


def overlaps(a: str, b: str) -> bool:
    """Could one request path match both route templates?"""
    if ":path}" in a or ":path}" in b:  # a path parameter spans segments: compare the fixed part before it
        a_head, b_head = a.split("{", 1)[0], b.split("{", 1)[0]
        return a_head.startswith(b_head) or b_head.startswith(a_head)
    a_parts, b_parts = a.strip("/").split("/"), b.strip("/").split("/")
    return len(a_parts) == len(b_parts) and all(map(_segment_overlaps, a_parts, b_parts))


def test_the_overlap_check_sees_overlaps() -> None:
    assert overlaps("/r/{token}", "/r/new")
    assert overlaps("/r/{token}/{kind}.docx", "/r/x/letter.docx")
    assert overlaps("/static/{path:path}", "/static/app.css")
    assert not overlaps("/r/{token}", "/rounds/{round_id}")
    assert not overlaps("/rounds/{round_id:int}", "/rounds/new")
    assert not overlaps("/api/v1/links/{token}", "/api/v1/links/{token}/replies")


def test_the_link_routes_are_tried_first_and_match_no_path_of_another_route(world: WebWorld) -> None:
    paths = _paths(world)
    first = [r.path for r in pages_unit.router.routes if isinstance(r, APIRoute)]
    first += [f"/api/v1{r.path}" for r in link_router.routes if isinstance(r, APIRoute)]
    assert len(first) == len(pages_unit.router.routes) + len(link_router.routes)
    moved = [p for p in paths if p in first]
    assert moved == first, "the link routes are included, in this order"
    # Before them only the app's own routes (schema, docs, static files, /healthz).
    assert paths[: paths.index(first[0])] == [
        "/api/v1/openapi.json",
        "/api/v1/docs",
        "/docs/oauth2-redirect",
        "/static/{path:path}",
        "/healthz",
    ]
    clashes = [(a, b) for a in first for b in paths if b not in first and overlaps(a, b)]
    assert clashes == [], f"a request could match a link route and another: {clashes}"
