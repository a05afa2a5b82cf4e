"""``consultflow demo``: replay the seed round (孝安办函〔2023〕1号) through the real services.

The seed records the draft's date (2023年2月16日), the letter's date (2023年2月17日), its deadline
(2023年2月18日10时), who replied with which comments, who did not, each decision and its reason, and that
市司法局 reviewed it. It does not record when each unit replied, when the decisions were taken, or when
the review was asked for and approved; the services need a moment for each, so the demo gives one and
flags the round ``illustrative_times``: every page and document that shows those times says they are
illustrative (演示数据：回复和审查时间为示意，种子材料未记载). Every audit event is marked ``imported``.
The office is the demo profile (``profiles/demo-safety-office.toml``); the letter's words are the round's
(below), so ``report --kind letter`` prints the seed's letter word for word.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine

from kernel.actors import Actor, Role
from kernel.clock import FixedClock
from kernel.errors import Conflict
from kernel.timefmt import beijing_to_utc
from states.decision import Outcome
from storage.uow import UnitOfWork, uow_factory
from workflow.config import Settings
from workflow.demo.units import demo_units
from workflow.parsing.draft_text import parse_draft_text
from workflow.profiles import OfficeProfile, load_profile_file
from workflow.services.deadlines import sweep
from workflow.services.decisions import Decide, decide
from workflow.services.drafts import import_draft
from workflow.services.offices import ensure_office
from workflow.services.replies import CommentInput, SubmitReply, submit_reply
from workflow.services.review import record_review, submit_review
from workflow.services.rounds import StartRound, start_round
from workflow.services.units import import_units

DEMO_PROFILE_FILE = Path(__file__).resolve().parents[2] / "profiles" / "demo-safety-office.toml"
"""The seed office is an office profile like any other, shipped as the demo's."""
DOC_NUMBER = "孝安办函〔2023〕1号"
DRAFT_TITLE = "孝义市人民政府关于做好2023年安全生产工作的通知"
# The letter's words, as the seed's letter has them.
PURPOSE = "为进一步加强全市安全生产工作"
BASIS = "根据省政府《关于做好2023年安全生产工作的通知》（晋政发〔2023〕1号）精神"
FOCUS = "2023年安全生产工作"
REQUIREMENTS = (
    "修改意见要有依据、理由充分，并安排专人与市安委办对接负责意见修改工作，特别是上级部门承担但县市级部门不承担的"
    "工作任务，要主动与上级部门对接明确。理由不充分或无依据的不予采纳。"
)
# The attachments as the seed letter lists them (its 附件3 says 吕梁市 where the form itself says 孝义市: kept as sent).
ATTACHMENT_NAMES = {
    "draft": "关于做好2023年安全生产工作的通知",
    "tasks": "孝义市人民政府关于做好2023年安全生产工作的通知（重点任务分工）",
    "reply_form": "《吕梁市人民政府关于做好2023年安全生产工作的通知（代拟稿）》征求意见回复表",
}
RECORDED = ("文稿日期 2023年2月16日", "发函日期 2023年2月17日", "截止时间 2023年2月18日10时")
ILLUSTRATIVE = ("各单位回复时间", "采纳决定时间", "合法性审查送审与通过时间")
FIRE_REASON = "孝义市消防救援大队结合省消防救援总队年度重点工作中内容进行补充。"

FIRE_COMMENTS = [
    (
        "序号4、5",
        "重点任务分工中序号 4、5 中“严格党政领导责任”、“落实部门监管责任”建议增加：成立市消防安全专业委员会，"
        "出台市级消防安全专业委员会工作规则，规范运行机制和工作流程。实体化运行市、乡镇街道两级消防安全议事协调机构，"
        "健全完善会商研判、信息共享、联合治理、隐患通报、移交查办等制度，综合运用考核巡查、挂牌督办、约谈警示、调查处理等"
        "监管方法手段，实施宏观指导、综合协调和监督检查，严格落实消防安全综合监管职能。充分发挥消防安全议事协调机构作用，"
        "细化成员单位职责清单，定期通报火灾警情信息和突出问题、发送风险提示、召开联席会议，协调相关行业部门厘清新业态新风险"
        "消防安全监管责任，年内，各级举办一次成员单位联络员业务培训班。推动《“三必管”实施细则》落实，会同行业部门开展本系统"
        "本行业突出消防安全问题排查治理，深化教育、民政、文旅、卫健、文物等重点行业部门消防安全标准化管理达标建设，"
        "适时联合行业系统联合召开现场会。",
    ),
    (
        "序号8 消防",
        "序号 8 中“消防”除提到的场所外建议增加：煤矿等危化企业除矿井地下部分以外建筑、养老院、幼儿园、托儿所等"
        "传统高风险场所，老旧小区、城中村、沿街商铺、群租房、“三合一”等老旧场所，以及私人影院、剧本娱乐经营场所等新业态新风险，"
        "协调有关部门建立电气焊作业全链条监管机制，严厉打击违规电气焊引发火灾的突出问题。扎实推进电动自行车、消防生命通道、"
        "彩钢板建筑、电气消防安全等方面联合监管长效机制落地落实。",
    ),
    (
        "序号12",
        "序号 12 中“推进基层基础建设”建议增加：采取单独设立、消防与应急融合、依托现有机构加挂牌子等模式，推动市乡镇街道"
        "设立事业编制消防安全管理中心。年内，实现全市乡镇、街道“一委一办一所”建设 100%全覆盖。"
        "完善乡镇（街道）、村（社区）"
        "综治中心消防安全管理工作内容和标准，开展基层网格员消防巡查检查和消防宣传工作培训内容，夯实“全科网格”消防管理。结合实际，"
        "指导乡镇（街道）开展赋权或授权、委托消防事项执法，年内，办理一批消防行政处罚案件。深化防消联勤，推动消防救援站结合熟悉"
        "演练开展防火工作，政府专职队对辖区所有的合用场所、沿街商铺、“九小”场所、群租房、住宅小区开展防火巡查和消防宣传教育提示，"
        "强化业务指导和督导考核。落实“警消联动”机制、指导公安派出所开展消防监督检查和消防宣传教育，并将消防工作纳入公安派出所"
        "治安巡防、社区排查等工作。",
    ),
    ("序号18", "序号 18 中“研判评估风险”中建议增加：建议单位采取购买服务的方式，进行消防安全风险评估。"),
]
TRANSPORT_COMMENT = ("序号8 交通运输", "序号 8 中“交通运输”建议增加“进一步强化邮递行业安全监管”。")
HOUSING_COMMENT = (
    "序号8 消防",
    "序号 8 中“消防”中的“多合一”等低设防区域以及剧本娱乐经营场所建议修改为“多合一”等低设防区域以及剧院娱乐经营场所。",
)
HOUSING_REASON = "原文件中所述“剧本娱乐经营场所”是正确的，和剧院式两个概念。"
TOWNSHIPS_NO_COMMENTS = [
    "兑镇镇",
    "阳泉曲镇",
    "西辛庄镇",
    "柱濮镇",
    "梧桐镇",
    "大孝堡镇",
    "高阳镇",
    "下堡镇",
    "驿马乡",
    "下栅乡",
    "杜村乡",
    "新义街道",
    "中阳楼街道",
    "崇文街道",
    "振兴街道",
    "胜溪湖办事处",
]


@dataclass(frozen=True)
class DemoLoaded:
    round_id: int
    draft_id: int
    recorded: tuple[str, ...] = RECORDED  # the times the seed gives
    illustrative: tuple[str, ...] = ILLUSTRATIVE  # the times the demo had to make up (flagged on every page)


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return beijing_to_utc(date(2023, 2, day), time(hour, minute))


def demo_profile(settings: Settings) -> OfficeProfile:
    """The demo office: as configured if the config lists it, else the shipped profile file."""
    shipped = load_profile_file(DEMO_PROFILE_FILE)
    return settings.profile(shipped.code) or shipped


def load_demo(engine: Engine, settings: Settings) -> DemoLoaded:
    """Load the seed round once; a second run refuses rather than duplicating history."""
    clock = FixedClock(_at(16, 9))
    staff = Actor("赵健", Role.staff)
    profile = demo_profile(settings)
    with UnitOfWork(engine, importing=True) as uow:
        existing = uow.directory.office_by_code(profile.code) or uow.directory.office_by_name(profile.name)
        if existing and uow.rounds.by_doc_number(existing.id or 0, DOC_NUMBER):
            raise Conflict("DEMO_ALREADY_LOADED", f"演示数据已载入（{DOC_NUMBER}已存在）。")
    with UnitOfWork(engine, importing=True) as uow:
        office_id = ensure_office(uow, clock, staff, profile.name, profile=profile)
    with UnitOfWork(engine, importing=True) as uow:
        import_units(uow, clock, staff, demo_units(), office_id=office_id)
    text = resources.files("workflow.demo").joinpath("data/draft_2023_safety.txt").read_text(encoding="utf-8")
    with UnitOfWork(engine, importing=True) as uow:
        draft = import_draft(
            uow,
            clock,
            staff,
            parse_draft_text(text),
            title=DRAFT_TITLE,
            issuer="孝义市人民政府",
            filename="孝义市人民政府关于做好2023年安全生产工作的通知（代拟稿）.txt",
            office_id=office_id,
        )
    clock.set(_at(17, 9))
    members = [u.name for u in demo_units() if u.category == "市安委会成员单位"]
    with UnitOfWork(engine, importing=True) as uow:
        cmd = StartRound(
            draft_id=draft.draft_id,
            office_id=office_id,
            doc_number=DOC_NUMBER,
            deadline=_at(18, 10),
            contact="赵健",
            phone="18335877837",
            unit_names=members + TOWNSHIPS_NO_COMMENTS,
            letter_date=date(2023, 2, 17),
            purpose=PURPOSE,
            basis=BASIS,
            focus=FOCUS,
            requirements=REQUIREMENTS,
            attachment_names=ATTACHMENT_NAMES,
            illustrative_times=True,  # the seed gives no reply or review times: the ones below are made up
        )
        started = start_round(uow, clock, staff, cmd, secret=settings.secret_key)
    rid = started.round_id

    def reply(unit: str, at: datetime, comments: list[tuple[str, str]] | None) -> list[int]:
        clock.set(at)
        cmd = SubmitReply(
            round_id=rid,
            unit_name=unit,
            no_comments=not comments,
            channel="paper",
            sealed=True,
            comments=[CommentInput(target=t, text=x) for t, x in comments or []],
            received_at=at,
        )
        with UnitOfWork(engine, importing=True) as uow:
            return submit_reply(uow, clock, Actor("赵健", Role.staff), cmd).comment_ids

    # Illustrative reply times (before the deadline, so the replies count as the seed says they did).
    fire = reply("市消防救援大队", _at(18, 9, 10), FIRE_COMMENTS)
    transport = reply("交通运输局", _at(17, 16, 30), [TRANSPORT_COMMENT])
    housing = reply("住建局", _at(18, 8, 45), [HOUSING_COMMENT])
    reply("市城管局", _at(17, 15, 20), None)
    for n, town in enumerate(TOWNSHIPS_NO_COMMENTS):
        reply(town, _at(17, 14 + n // 6, (n * 7) % 60), None)
    clock.set(_at(18, 10))
    sweep(uow_factory(engine, importing=True), clock)
    clock.set(_at(20, 10))  # illustrative, as are the review's times below
    decisions = [(cid, Outcome.adopted, FIRE_REASON) for cid in fire]
    decisions += [(transport[0], Outcome.adopted, ""), (housing[0], Outcome.rejected, HOUSING_REASON)]
    for cid, outcome, reason in decisions:
        with UnitOfWork(engine, importing=True) as uow:
            decide(uow, clock, staff, Decide(cid, outcome, reason))
    clock.set(_at(21, 9))
    with UnitOfWork(engine, importing=True) as uow:
        submit_review(uow, clock, staff, rid)
    clock.set(_at(23, 16))
    with UnitOfWork(engine, importing=True) as uow:
        record_review(uow, clock, Actor("市司法局", Role.reviewer), rid, approve=True, reviewer="市司法局", opinion="")
    return DemoLoaded(rid, draft.draft_id)
