"""Bulk-load overdue rounds and pending recipients straight through SQL, for benchmarks only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, insert

from storage.models import Comment, Draft, LegalityReview, Office, Recipient, Reply, Round, Unit


def load_overdue(
    engine: Engine, rounds: int, recipients_per_round: int, deadline: datetime, round_offset: int = 0
) -> None:
    created = deadline - timedelta(days=3)
    with engine.begin() as conn:
        if round_offset == 0:
            conn.execute(
                insert(Office),
                [{"id": 1, "name": "基准测试办公室", "short_name": "测试办", "email": "", "reviewer_unit": "司法局"}],
            )
            conn.execute(
                insert(Unit),
                [
                    {
                        "id": i,
                        "office_id": 1,
                        "name": f"单位{i}",
                        "category": "member_unit",
                        "aliases": "[]",
                        "contact": "",
                        "phone": "",
                        "email": "",
                        "webhook": "",
                        "active": True,
                    }
                    for i in range(1, recipients_per_round + 1)
                ],
            )
        ids = range(round_offset + 1, round_offset + rounds + 1)
        conn.execute(
            insert(Draft),
            [
                {
                    "id": i,
                    "office_id": 1,
                    "title": f"文稿{i}",
                    "issuer": "测试",
                    "state": "soliciting",
                    "current_version": 1,
                    "created_at": created,
                }
                for i in ids
            ],
        )
        conn.execute(
            insert(Round),
            [
                {
                    "id": i,
                    "draft_id": i,
                    "version": 1,
                    "office_id": 1,
                    "doc_number": f"测函〔2026〕{i}号",
                    "doc_year": 2026,
                    "letter_date": date(2026, 1, 1),
                    "deadline": deadline,
                    "deadline_warning": "",
                    "contact": "",
                    "phone": "",
                    "basis": "",
                    "requirements": "",
                    "state": "open",
                    "created_at": created,
                }
                for i in ids
            ],
        )
        batch: list[dict] = []  # type: ignore[type-arg]
        for rid in ids:
            for uid in range(1, recipients_per_round + 1):
                batch.append({"round_id": rid, "unit_id": uid, "state": "pending", "late": False, "revisions": 0})
                if len(batch) >= 50_000:
                    conn.execute(insert(Recipient), batch)
                    batch = []
        if batch:
            conn.execute(insert(Recipient), batch)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def add_replies(engine: Engine, repliers_per_round: int, comments_per_reply: int, at: datetime) -> None:
    """Give the first recipients of each round an on-time reply with comments, for the dashboard benchmark."""
    with engine.begin() as conn:
        recipients = conn.execute(
            Recipient.__table__.select().where(Recipient.__table__.c.unit_id <= repliers_per_round)  # type: ignore[attr-defined]
        ).all()
        conn.execute(
            insert(Reply),
            [
                {
                    "id": r.id,
                    "recipient_id": r.id,
                    "round_id": r.round_id,
                    "revision": 1,
                    "kind": "with_comments",
                    "channel": "web",
                    "received_at": at,
                    "recorded_at": at,
                    "recorded_by": "",
                    "sealed": False,
                    "late": False,
                    "superseded": False,
                    "admitted": False,
                    "attachment_name": "",
                    "attachment_sha256": "",
                }
                for r in recipients
            ],
        )
        conn.execute(
            insert(Comment),
            [
                {
                    "reply_id": r.id,
                    "round_id": r.round_id,
                    "seq": n,
                    "target": f"第{n}项",
                    "text": "意见",
                    "basis": "",
                    "reason": "",
                }
                for r in recipients
                for n in range(1, comments_per_reply + 1)
            ],
        )
        conn.execute(
            Recipient.__table__.update()  # type: ignore[attr-defined]
            .where(Recipient.__table__.c.unit_id <= repliers_per_round)  # type: ignore[attr-defined]
            .values(state="with_comments", revisions=1)
        )


def add_reviews(engine: Engine, every: int, at: datetime) -> dict[str, int]:
    """Send every ``every``-th bulk-loaded round to legality review, for the reviewer's queue: of those, a
    third waits for the verdict (half of them resubmitted after a return, so two reviews, the latest
    pending), a third was approved and issued (with a 印发文号), a third returned and withdrawn. The rounds
    are closed. Decided drafts end issued or withdrawn, as years of them would: a returned or approved draft
    is a to-do on the dashboard, and the dashboard's figures are to stay those of its own benchmark.
    Returns how many rounds were reviewed and how many wait."""
    rounds = Round.__table__  # type: ignore[attr-defined]
    drafts = Draft.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        ids = [int(i) for (i,) in conn.execute(rounds.select().with_only_columns(rounds.c.id).order_by(rounds.c.id))]
        reviewed = ids[every - 1 :: every]
        reviews: list[dict] = []  # type: ignore[type-arg]
        draft_states: dict[str, list[int]] = {"legality_review": [], "issued": [], "withdrawn": []}
        for k, rid in enumerate(reviewed):
            requested = at + timedelta(minutes=k)
            row = {
                "round_id": rid, "draft_id": rid, "version": 1, "reviewer": "", "opinion": "", "checklist": "[]",
                "changes": "", "missing_materials": "[]", "requested_at": requested,
                "due_at": requested + timedelta(days=15), "min_at": None, "decided_at": None,
            }  # fmt: skip
            kind = k % 3
            if kind == 0 and k % 6 == 0:  # returned once, revised and resubmitted: the latest review waits
                earlier = requested - timedelta(days=20)
                returned = {"state": "returned", "changes": "补充制定依据", "decided_at": earlier + timedelta(days=5)}
                reviews.append(row | returned | {"requested_at": earlier, "due_at": earlier + timedelta(days=15)})
            if kind == 0:
                reviews.append(row | {"state": "pending"})
                draft_states["legality_review"].append(rid)
            else:
                decided = row | {"decided_at": requested + timedelta(days=5), "reviewer": "审查员"}
                reviews.append(decided | {"state": "approved" if kind == 1 else "returned"})
                draft_states["issued" if kind == 1 else "withdrawn"].append(rid)
        reviews.sort(key=lambda r: r["requested_at"])  # review ids in the order the reviews were requested
        conn.execute(insert(LegalityReview), reviews)
        for state, draft_ids in draft_states.items():
            if draft_ids:
                conn.execute(drafts.update().where(drafts.c.id.in_(draft_ids)).values(state=state))
        for did in draft_states["issued"]:
            conn.execute(drafts.update().where(drafts.c.id == did).values(issued_doc_number=f"测发〔2026〕{did}号"))
        conn.execute(rounds.update().where(rounds.c.id.in_(reviewed)).values(state="closed", enforced_at=at))
    return {"reviewed": len(reviewed), "pending": len(draft_states["legality_review"])}
