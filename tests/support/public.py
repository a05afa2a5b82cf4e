"""A public consultation on a task draft, built through the real services; and campaign texts for grouping."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import Engine

from kernel.clock import FixedClock
from storage.uow import UnitOfWork
from tests.support.scenario import _PARSED, SECRET, STAFF
from workflow.parsing.draft_model import ParsedDraft
from workflow.public.consultations import PublicTerms
from workflow.public.intake import PublicClient, PublicCommentInput, submit_public_comment
from workflow.public.opening import OpenPublic, open_public
from workflow.public.policy import PublicPolicy
from workflow.services.drafts import import_draft

LOOSE = PublicPolicy(comments_per_client_per_hour=1000, comments_per_round_per_minute=100000)


def open_consultation(
    engine: Engine, clock: FixedClock, office_id: int, until: datetime, *, doc_type: str = "general",
    draft: ParsedDraft | None = None, title: str = "某市安全生产工作要点",
) -> int:
    """A draft (the seed's task draft unless another is given) put to the public until ``until``; the round id."""
    with UnitOfWork(engine) as uow:
        stored = import_draft(
            uow, clock, STAFF, draft or _PARSED, title=title, issuer="某市人民政府",
            filename="draft.txt", office_id=office_id, doc_type=doc_type,
        )
    with UnitOfWork(engine) as uow:
        return open_public(
            uow, clock, STAFF,
            OpenPublic(
                draft_id=stored.draft_id, office_id=office_id, until=until,
                terms=PublicTerms("起草说明：为进一步做好安全生产工作，起草了本文件。", "来信请寄某市某路1号"),
                shorten_reason="测试：缩短期限",
            ),
            secret=SECRET,
        ).round_id


def consultation_id(engine: Engine, round_id: int) -> int:
    with UnitOfWork(engine) as uow:
        row = uow.public.consultation_for_round(round_id)
        assert row is not None
        return row.id or 0


def comment(engine: Engine, clock: FixedClock, cid: int, text: str, *, client: str = "203.0.113.9",
            kind: str = "citizen", target: str = "", policy: PublicPolicy = LOOSE, **extra: str) -> str:
    with UnitOfWork(engine) as uow:
        return submit_public_comment(
            uow, clock, cid, PublicCommentInput(kind=kind, text=text, target=target, **extra),
            PublicClient(client, SECRET), policy,
        ).receipt


CAMPAIGN = (
    "建议取消第五条关于收取绿化管理费的规定，因为这会明显增加小微企业和个体工商户的经营负担，"
    "与国家减税降费的政策方向不符"
)
_SWAPS = [
    ("明显", "大大"), ("取消", "删除"), ("规定", "条款"),
    ("经营负担", "负担"), ("政策方向", "政策"), ("建议", "强烈建议"),
]


def campaign_copies(n: int, seed: int = 16) -> list[str]:
    """``n`` copies of one text with small edits: punctuation, a few words swapped, clauses reordered."""
    rng = random.Random(seed)
    clauses = CAMPAIGN.split("，")
    out = []
    for _ in range(n):
        parts = clauses[:]
        if rng.random() < 0.4:
            rng.shuffle(parts)
        text = rng.choice(["，", "。", "；", "、", " "]).join(parts) + rng.choice(["", "。", "！", "!!", "……"])
        for old, new in rng.sample(_SWAPS, rng.randint(0, 2)):
            text = text.replace(old, new, 1)
        out.append(text)
    return out


_SUBJECTS = [
    "古树名木保护", "屋顶绿化补贴", "小区绿地养护", "行道树修剪", "公园夜间开放", "绿化工程验收", "城市湿地",
    "临时占用绿地审批", "绿化垃圾处理", "苗木检疫", "防护绿地宽度", "立体绿化", "社区花园", "绿道建设",
    "树木移植审批", "城市绿线管理", "公共绿地停车", "绿化信息公开", "志愿植树", "病虫害防治",
]
_ASKS = [
    "应当明确由哪个部门牵头负责", "罚款数额偏高建议降低", "需要补充申请材料清单", "审批时限建议缩短到十个工作日",
    "应增加公众参与和听证环节", "建议设置一年过渡期", "应当细化认定标准", "建议与上位法表述保持一致",
    "要写明资金来源和使用监督", "建议增加对违法行为的举报奖励", "希望给老年人留出无障碍通道", "可以引入第三方评估",
    "街道办事处的职责要写清楚", "处罚前应先责令限期改正", "请把收费标准向社会公布", "对困难群众减免相关费用",
    "每年应当公开执行情况报告", "与物业服务合同衔接好", "建议删去兜底条款", "定义过于宽泛容易引起争议",
]


_DETAILS = [
    "我所在的小区去年就出现过这种纠纷", "外地已有成熟做法可以借鉴", "目前执法尺度各区不统一", "基层人手明显不够",
    "很多商户并不了解现行规定", "去年的整改通报里提到过", "网上办理流程还很不方便", "群众反映最集中的就是这一点",
    "条文与实施细则前后矛盾", "新建片区和老城区情况差别很大", "企业为此多跑了好几趟", "学校周边尤其突出",
    "夏季汛期问题更加严重", "乡镇一级缺少专业技术人员", "费用负担最终转嫁给了住户", "执法记录很少公开",
    "相关部门之间经常互相推诿", "农村地区基本没有覆盖", "投诉电话长期无人接听", "统计数据口径也不一致",
]


def distinct_texts(n: int) -> list[str]:
    """``n`` (≤ 100) different opinions: each a subject, a request and a circumstance, no two sharing two of them."""
    out = []
    for i in range(n):
        x, y = i % 20, i // 20
        out.append(f"{_SUBJECTS[(x + 3 * y) % 20]}方面{_ASKS[x]}，{_DETAILS[(x + 7 * y) % 20]}")
    return out


def later(clock: FixedClock, **delta: float) -> None:
    clock.advance(timedelta(**delta))
