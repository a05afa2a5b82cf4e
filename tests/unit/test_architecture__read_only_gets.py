"""Every GET route reads in the read-only unit of work, or says it writes and why.

A GET's unit of work is read-only (``entrypoints.web.deps``): on SQLite it begins deferred and reads beside the
writers instead of queueing for the write lock, and it refuses any write (``storage.readonly``). A GET that
writes asks for the writing unit of work (``UowDep``) and is listed, with its reason, in
``tests.support.routes.WRITING_GETS``; the e2e walk (tests/e2e/test_web__read_only_gets.py) shows that each
listed one does write and that no other one does.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from entrypoints.web.app import create_app
from entrypoints.web.deps import read_uow, request_uow, write_uow
from storage.db import make_engine
from tests.support.cli import write_config
from tests.support.routes import WRITING_GETS, app_routes, dependency_calls, get_routes
from workflow.config import load_settings


def _app(tmp_path: Path) -> FastAPI:
    url = f"sqlite:///{tmp_path / 'unit.db'}"  # never opened: the routes are only looked at
    settings = load_settings(write_config(tmp_path / "config.toml", url, '\n[security]\nsecret_key = "x"\n'))
    return create_app(settings, engine=make_engine(url))


def test_a_get_writes_only_when_it_is_listed_with_its_reason(tmp_path: Path) -> None:
    routes = get_routes(_app(tmp_path))
    assert len(routes) > 50, "the app's GET routes were not found"
    unlisted = [
        r.path for r in routes if r.path not in WRITING_GETS and (write_uow in r.calls or r.opens_its_own_unit_of_work)
    ]
    assert unlisted == [], "these GETs ask for the writing unit of work: read-only, or list them with why they write"
    paths = {r.path: r for r in routes}
    assert sorted(set(WRITING_GETS) - set(paths)) == [], "listed GET routes that no longer exist"
    reading = [
        path
        for path in WRITING_GETS
        if write_uow not in paths[path].calls and not paths[path].opens_its_own_unit_of_work
    ]
    assert reading == [], "listed as writing, but they read in the read-only unit of work: take them off the list"
    assert all(len(reason) > 20 for reason in WRITING_GETS.values()), "each listed GET says why it writes"


def test_a_get_asks_for_one_unit_of_work_by_name(tmp_path: Path) -> None:
    """``ReadUowDep`` or ``UowDep``, never both (the first would be read-only, the second writing) and never
    the request's unit of work as such: each route says which one it works in."""
    app = _app(tmp_path)
    both = [r.path for r in get_routes(app) if read_uow in r.calls and write_uow in r.calls]
    assert both == []
    direct = [
        path
        for path, _methods, route in app_routes(app)
        if request_uow in {d.call for d in route.dependant.dependencies}
    ]
    assert direct == [], "ask for ReadUowDep or UowDep, not the request's unit of work itself"


def test_no_route_of_an_unsafe_method_asks_for_the_read_only_unit_of_work(tmp_path: Path) -> None:
    """A POST's unit of work writes; asking for the read-only one there would fail on every request."""
    wrong = [
        f"{sorted(methods)} {path}"
        for path, methods, route in app_routes(_app(tmp_path))
        if methods - {"GET", "HEAD"} and read_uow in set(dependency_calls(route.dependant))
    ]
    assert wrong == []
