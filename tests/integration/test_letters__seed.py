"""The seed round's letter comes out as the seed's letter, word for word: issuer mark, number, title with the
issuer, 主送 in the seed's order, every sentence, 联系人, the attachments as listed, 落款 and date.

The demo replays the seed round through the real services; its letter is rendered through the office's
template from the round's own fields and the demo profile's wording, then compared with the seed's text
(tests/fixtures/seed_letter_001.txt: lines 1–30 of the seed, as extracted, line breaks and all).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import Engine

from documents.docx_writer import render_docx
from kernel.timefmt import cn_date
from storage.uow import UnitOfWork
from tests.support.cli import write_config
from workflow.config import load_settings
from workflow.demo.loader import load_demo
from workflow.reports import official

SEED = (Path(__file__).resolve().parents[1] / "fixtures" / "seed_letter_001.txt").read_text(encoding="utf-8")


def _flat(text: str) -> str:
    """The seed as extracted breaks lines inside words (…工作 的通知, 反馈至⏎⏎市安委办): compare without them."""
    return re.sub(r"\s+", "", text)


def _sentences(text: str) -> list[str]:
    return [s + "。" for s in _flat(text).split("。") if s]


def _seed_letter() -> dict[str, object]:
    lines = [line.strip() for line in SEED.splitlines() if line.strip()]
    start = lines.index(next(x for x in lines if x.endswith("：") and "各" in x))  # the 主送 line
    attach = next(n for n, x in enumerate(lines) if x.lstrip("- ").startswith("附件："))
    contact = next(n for n, x in enumerate(lines) if x.startswith("联系人："))
    names = [re.sub(r"^(?:-\s*)?(?:附件：)?\d+\.\s*", "", x) for x in lines[attach : attach + 3]]
    return {
        "issuer_mark": lines[0],
        "doc_number": lines[1],
        "title": _flat(lines[2]),
        "addressee": lines[start],
        "sentences": _sentences("".join(lines[start + 1 : contact])),
        "contact": lines[contact],
        "attachments": names,
        "signature": lines[attach + 3],
        "date": lines[attach + 4],
    }


@pytest.fixture(scope="module")
def seed_round(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, int]:
    from storage.db import make_engine
    from storage.migrate import upgrade

    tmp = tmp_path_factory.mktemp("seed-letter")
    url = f"sqlite:///{tmp / 'demo.db'}"
    engine = make_engine(url)
    upgrade(engine)
    loaded = load_demo(engine, load_settings(write_config(tmp / "config.toml", url)))
    return engine, loaded.round_id


def test_the_seed_letter_sentence_by_sentence(seed_round: tuple[Engine, int]) -> None:
    engine, rid = seed_round
    seed = _seed_letter()
    with UnitOfWork(engine) as uow:
        letter = official.letter(uow, rid)
    assert letter.issuer_mark == seed["issuer_mark"]
    assert letter.doc_number == seed["doc_number"]
    assert letter.title == seed["title"], "the title names the issuer, as 公文 titles do"
    assert letter.addressee == seed["addressee"], "主送 in the seed's order: townships first"
    body = [p.text for p in letter.blocks]  # type: ignore[union-attr]
    assert body[-1] == seed["contact"]
    ours = _sentences("".join(body[:-1]))
    for n, (mine, theirs) in enumerate(zip(ours, seed["sentences"], strict=False), 1):  # type: ignore[call-overload]
        assert mine == theirs, f"sentence {n} differs"
    assert len(ours) == len(seed["sentences"])  # type: ignore[arg-type]
    assert list(letter.attachments) == seed["attachments"], "the attachments as the seed letter lists them"
    assert letter.signature == seed["signature"]
    assert letter.date is not None and cn_date(letter.date) == seed["date"]


def test_the_seed_letter_docx_carries_every_sentence(seed_round: tuple[Engine, int]) -> None:
    engine, rid = seed_round
    seed = _seed_letter()
    with UnitOfWork(engine) as uow:
        data = render_docx(official.letter(uow, rid))
    document = Document(io.BytesIO(data))
    text = _flat("".join(p.text for p in document.paragraphs))
    header = document.sections[0].first_page_header.paragraphs[0].text
    assert header == seed["issuer_mark"], "the issuer mark heads the first page (信函格式)"
    for sentence in seed["sentences"]:  # type: ignore[attr-defined]
        assert sentence in text
    for part in ("doc_number", "title", "addressee", "contact", "signature", "date"):
        assert _flat(str(seed[part])) in text, part
    assert "附件：1.关于做好2023年安全生产工作的通知" in text


def test_the_letter_names_only_the_categories_asked(seed_round: tuple[Engine, int]) -> None:
    """The seed asked member units and townships, not city departments: 市直各有关部门 is not addressed."""
    engine, rid = seed_round
    with UnitOfWork(engine) as uow:
        letter = official.letter(uow, rid)
        asked = {u.category for _, u in uow.rounds.recipients(rid)}
    assert asked == {"member_unit", "township"}
    assert "市直" not in (letter.addressee or "")
