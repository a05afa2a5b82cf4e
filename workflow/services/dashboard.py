"""The staff dashboard: rounds by state, time left, silent units, decisions waiting, reviews pending."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from kernel.clock import Clock
from notifications.templates import cn_duration
from states.draft import DraftState
from states.round import RoundState
from storage.uow import UnitOfWork
from workflow.services.health import HealthPolicy, health

# Comments are decided while the draft is deciding or being revised (see services.decisions).
DECIDING = (DraftState.deciding, DraftState.drafting)


def dashboard(uow: UnitOfWork, clock: Clock, policy: HealthPolicy | None = None) -> dict[str, Any]:
    """A handful of grouped queries whatever the number of rounds (not a few per round), plus what
    /healthz would warn about, so staff see a stopped scheduler before a unit does."""
    now = clock.now()
    rounds = []
    totals = {"open": 0, "silent": 0, "undecided": 0, "in_review": 0}
    all_rounds = list(uow.rounds.all())
    drafts = uow.drafts.by_ids(sorted({r.draft_id for r in all_rounds}))
    recipients = uow.rounds.recipient_tallies()
    deemed = uow.rounds.deemed_tallies()
    todos: list[dict[str, str]] = []
    queues = uow.replies.queue_tallies()
    public = uow.public.undecided_tallies()  # the public's groups wait in the same queue
    in_review = uow.rounds.pending_review_round_ids()
    for rnd in reversed(all_rounds):
        rid = rnd.id or 0
        draft = drafts.get(rnd.draft_id)
        total, silent = recipients.get(rid, (0, 0))
        comments, undecided = queues.get(rid, (0, 0))
        undecided += public.get(rid, 0)
        is_open = rnd.state == RoundState.open
        left = rnd.deadline - now
        deciding = bool(draft and draft.state in DECIDING)
        todos += _todos(rnd, draft, left if is_open else None, undecided if deciding else 0)
        rounds.append(
            {
                "round": rnd,
                "draft": draft,
                "recipients": total,
                "silent": silent,
                "deemed": deemed.get(rid, 0),
                "replied": total - silent - deemed.get(rid, 0),
                "comments": comments,
                "undecided": undecided if deciding else 0,  # the same count the total adds up
                "time_left": left if is_open else None,
                "time_left_text": _left(left) if is_open else "",
            }
        )
        totals["open"] += is_open
        totals["silent"] += silent if is_open else 0
        totals["undecided"] += undecided if deciding else 0
        totals["in_review"] += bool(draft and draft.state == DraftState.legality_review and rid in in_review)
    problems = health(uow, clock, policy or HealthPolicy()).problems
    return {"rounds": rounds, "totals": totals, "problems": problems, "todos": todos}


NEAR = timedelta(hours=24)  # an open round due within a day is on the to-do list


def _todos(rnd: Any, draft: Any, left: timedelta | None, undecided: int) -> list[dict[str, str]]:
    """我的待办: what this round needs from staff now, each with where to do it."""
    url = f"/rounds/{rnd.id}"
    out = []
    if left is not None and left <= NEAR:
        out.append({"kind": "deadline", "text": f"{rnd.doc_number}：{_left(left)}后截止，可催办未回复单位", "url": url})
    if undecided:
        out.append(
            {"kind": "decide", "text": f"{rnd.doc_number}：{undecided}条意见待作出采纳决定", "url": f"{url}/decisions"}
        )
    if draft is not None and draft.state == DraftState.returned:
        out.append(
            {"kind": "returned", "text": f"{rnd.doc_number}：合法性审查退回，请按审查意见修改后重新提交", "url": url}
        )
    if draft is not None and draft.state == DraftState.approved:
        out.append({"kind": "issue", "text": f"{rnd.doc_number}：合法性审查已通过，待印发", "url": f"{url}#issue"})
    return out


def _left(delta: Any) -> str:
    return "已到期，待执行截止" if delta.total_seconds() <= 0 else cn_duration(delta)


PER_PAGE = 20


def filter_rounds(
    rows: list[dict[str, Any]], *, q: str = "", state: str = "", year: str = "", page: int = 1
) -> dict[str, Any]:
    """The dashboard's search (文号, 印发文号 or title), filters (draft state, year) and paging, over its rows."""
    words = q.strip()
    kept = [
        r
        for r in rows
        if (not words or words in r["round"].doc_number or _draft_matches(r["draft"], words))
        and (not state or (r["draft"] is not None and r["draft"].state == state))
        and (not year or str(r["round"].doc_year) == year)
    ]
    pages = max(1, -(-len(kept) // PER_PAGE))
    page = min(max(1, page), pages)
    return {
        "rounds": kept[(page - 1) * PER_PAGE : page * PER_PAGE],
        "matching": len(kept),
        "page": page,
        "pages": pages,
        "years": sorted({str(r["round"].doc_year) for r in rows}, reverse=True),
    }


def _draft_matches(draft: Any, words: str) -> bool:
    """The title or the 印发文号 holds the words searched for."""
    return draft is not None and (words in draft.title or words in (draft.issued_doc_number or ""))


def dashboard_page(
    uow: UnitOfWork,
    clock: Clock,
    policy: HealthPolicy | None = None,
    *,
    q: str = "",
    state: str = "",
    year: str = "",
    page: int = 1,
) -> dict[str, Any]:
    """What the dashboard page shows: ``dashboard``'s totals, to-dos and problems, and one page of the rounds
    matching the search and filters (``filter_rounds``' result), all searched, counted and paged in SQL:
    its cost follows the page size and the to-dos, not the number of rounds."""
    now = clock.now()
    words = q.strip()
    wanted_year = int(year) if year.isdigit() and str(int(year)) == year else (None if not year else -1)
    matching, _ = uow.rounds.dashboard_page(q=words, draft_state=state, year=wanted_year, limit=0)
    pages = max(1, -(-matching // PER_PAGE))
    page = min(max(1, page), pages)
    _, shown = uow.rounds.dashboard_page(
        q=words, draft_state=state, year=wanted_year, offset=(page - 1) * PER_PAGE, limit=PER_PAGE
    )
    # the to-dos and totals of every round, from ids and grouped figures (no round loaded as an object)
    deciding_ids = set(uow.rounds.ids_with_draft_state([s.value for s in DECIDING]))
    queues = uow.replies.queue_tallies(sorted(deciding_ids)) if deciding_ids else {}
    public = uow.public.undecided_tallies()
    undecided = {rid: queues.get(rid, (0, 0))[1] + public.get(rid, 0) for rid in deciding_ids}
    flagged = set(uow.rounds.open_due_ids(now + NEAR))
    flagged |= {rid for rid, n in undecided.items() if n}
    flagged |= set(uow.rounds.ids_with_draft_state([DraftState.returned.value, DraftState.approved.value]))
    todos: list[dict[str, str]] = []
    for rnd, draft in uow.rounds.with_drafts(sorted(flagged)):
        is_open = rnd.state == RoundState.open
        todos += _todos(rnd, draft, rnd.deadline - now if is_open else None, undecided.get(rnd.id or 0, 0))
    open_rounds, silent = uow.rounds.open_totals()
    totals = {
        "open": open_rounds,
        "silent": silent,
        "undecided": sum(undecided.values()),
        "in_review": uow.rounds.in_review_count(DraftState.legality_review.value),
    }
    ids = [rnd.id or 0 for rnd, _ in shown]
    recipients = uow.rounds.recipient_tallies(ids)
    deemed = uow.rounds.deemed_tallies(ids)
    page_queues = uow.replies.queue_tallies(ids)
    rows = []
    for rnd, draft in shown:
        rid = rnd.id or 0
        total, waiting = recipients.get(rid, (0, 0))
        is_open = rnd.state == RoundState.open
        left = rnd.deadline - now
        rows.append(
            {
                "round": rnd,
                "draft": draft,
                "recipients": total,
                "silent": waiting,
                "deemed": deemed.get(rid, 0),
                "replied": total - waiting - deemed.get(rid, 0),
                "comments": page_queues.get(rid, (0, 0))[0],
                "undecided": undecided.get(rid, 0),
                "time_left": left if is_open else None,
                "time_left_text": _left(left) if is_open else "",
            }
        )
    return {
        "rounds": rows,
        "totals": totals,
        "problems": health(uow, clock, policy or HealthPolicy()).problems,
        "todos": todos,
        "matching": matching,
        "page": page,
        "pages": pages,
        "years": [str(y) for y in uow.rounds.doc_years()],
    }
