"""Issue 16: 300 public comments — a campaign of 200 near-copies and 100 distinct opinions — group into one
campaign group (± a handful) and 100 groups of one; one decision on the campaign group decides all 200;
the legality review waits until every group is decided and every comment moderated."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from kernel.clock import FixedClock
from kernel.errors import Conflict
from storage.uow import UnitOfWork, uow_factory
from tests.support.public import LOOSE, campaign_copies, comment, consultation_id, distinct_texts, open_consultation
from tests.support.scenario import STAFF, setup_office
from tests.support.web import T0
from workflow.public.decisions import DecideGroup, decide_group, group_views
from workflow.public.grouping import assign_groups, merge_groups, split_group
from workflow.public.moderation import moderate
from workflow.services.deadlines import sweep
from workflow.services.review import submit_review


def test_a_campaign_of_near_copies_is_one_group_and_one_decision_decides_it_all(engine: Engine) -> None:
    clock = FixedClock(T0)
    office = setup_office(engine, clock, units=1)
    rid = open_consultation(engine, clock, office, T0 + timedelta(days=10))
    cid = consultation_id(engine, rid)
    copies, distinct = campaign_copies(200), distinct_texts(100)
    receipts: dict[str, str] = {}
    # interleaved, each from its own address, as a campaign arrives among ordinary comments
    for n, text in enumerate(copies + distinct):
        kind = "enterprise" if n % 3 == 0 else "citizen"
        receipts[comment(engine, clock, cid, text, client=f"198.51.{n // 250}.{n % 250}", kind=kind)] = text
    assert len(receipts) == 300
    with UnitOfWork(engine) as uow:
        assert assign_groups(uow, clock, STAFF, rid, LOOSE) == 300
    with UnitOfWork(engine) as uow:
        members = {c.receipt: c.group_id for c in uow.public.comments(rid)}
    campaign_groups = Counter(members[r] for r, t in receipts.items() if t in copies)
    distinct_groups = [members[r] for r, t in receipts.items() if t in distinct]
    biggest, size = campaign_groups.most_common(1)[0]
    assert size >= 195 and len(campaign_groups) <= 5, f"the campaign is spread over {campaign_groups}"
    assert biggest not in distinct_groups, "no distinct opinion was swallowed by the campaign"
    assert len(set(distinct_groups)) == 100, "the 100 distinct opinions stay apart"

    with UnitOfWork(engine) as uow:  # staff publish them all (moderation comes before review)
        for c in uow.public.comments(rid):
            moderate(uow, clock, STAFF, c.id or 0, publish=True, policy=LOOSE, commit=False)
        uow.commit()
    clock.advance(timedelta(days=11))
    sweep(uow_factory(engine), clock)
    with UnitOfWork(engine) as uow, pytest.raises(Conflict) as refused:
        submit_review(uow, clock, STAFF, rid)
    assert refused.value.code == "COMMENTS_UNDECIDED"

    with UnitOfWork(engine) as uow:
        decide_group(uow, clock, STAFF, DecideGroup(biggest, "rejected", "收费依据为上位法规定，不予采纳。"))
    with UnitOfWork(engine) as uow:
        views = {g["group_id"]: g for g in group_views(uow, rid)}
        decided = [c for c in uow.public.comments(rid) if c.group_id == biggest]
    assert views[biggest]["size"] == size and views[biggest]["decision"] == "rejected"
    assert len(decided) == size, "the decision is the group's, so it is every member's"
    with UnitOfWork(engine) as uow:  # the rest: every group decided, then the review may be asked
        for gid, view in views.items():
            if view["decision"] is None:
                decide_group(uow, clock, STAFF, DecideGroup(gid, "adopted"))
    with UnitOfWork(engine) as uow:
        review = submit_review(uow, clock, STAFF, rid)
    assert review.id


def test_staff_merge_and_split_groups_and_the_decision_follows(engine: Engine) -> None:
    clock = FixedClock(T0)
    office = setup_office(engine, clock, units=1)
    rid = open_consultation(engine, clock, office, T0 + timedelta(days=10))
    cid = consultation_id(engine, rid)
    texts = distinct_texts(3)
    for n, text in enumerate(texts):
        comment(engine, clock, cid, text, client=f"192.0.2.{n}")
    with UnitOfWork(engine) as uow:
        assign_groups(uow, clock, STAFF, rid, LOOSE)
    with UnitOfWork(engine) as uow:
        comments = uow.public.comments(rid)
        groups = [c.group_id or 0 for c in comments]
    assert len(set(groups)) == 3
    with UnitOfWork(engine) as uow:
        merged = merge_groups(uow, clock, STAFF, groups[0], groups[1:])
    with UnitOfWork(engine) as uow:
        assert {c.group_id for c in uow.public.comments(rid)} == {merged.id}
    with UnitOfWork(engine) as uow:
        split = split_group(uow, clock, STAFF, merged.id or 0, [comments[2].id or 0])
    with UnitOfWork(engine) as uow:
        views = {g["group_id"]: g["size"] for g in group_views(uow, rid)}
    assert views == {merged.id: 2, split.id: 1}
    clock.advance(timedelta(days=11))
    sweep(uow_factory(engine), clock)
    with UnitOfWork(engine) as uow, pytest.raises(Conflict) as refused:
        submit_review(uow, clock, STAFF, rid)
    assert refused.value.code == "PUBLIC_COMMENTS_UNMODERATED", "comments still waiting for moderation hold the review"
