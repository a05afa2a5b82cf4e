"""The audit trail as a clerk or the reviewing 司法局 reads it: who, when, what — in Chinese.

Events are stored as the machine wrote them (English actions and states, ``recipient:38``); this read
model names them: the action and the states by their Chinese labels (the state machines' own labels),
the object by name (the unit, 意见第N条, the round's 文号), and the details that matter in a short line.
The raw event and its hash stay one click away (the pages put them behind ``<details>``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kernel.jsonfmt import indented_json
from kernel.timefmt import cn_datetime, to_beijing
from states.decision import OUTCOME_LABELS
from states.draft import DRAFT_MACHINE
from states.machine import StateMachine
from states.public_comment import KIND_LABELS, MODERATION_MACHINE
from states.recipient import RECIPIENT_MACHINE
from states.review import REVIEW_MACHINE
from states.round import ROUND_MACHINE
from storage.uow import UnitOfWork
from workflow.services.audit import export_events, export_page
from workflow.services.preload import Queue

ACTION_LABELS = {
    "office.created": "登记发文机关",
    "office.updated": "修改发文机关信息",
    "unit.created": "新增单位",
    "unit.updated": "修改单位信息",
    "draft.imported": "导入文稿",
    "draft.revised": "导入修改稿",
    "round.started": "发起征求意见",
    "draft.soliciting": "文稿进入征求意见",
    "reply.submitted": "收到回复",
    "reply.late": "收到逾期回复",
    "reply.late_admitted": "纳入逾期回复",
    "round.deadline_changed": "调整截止时间",
    "recipient.deemed_no_objection": "逾期未回复，视为无意见",
    "round.deadline_enforced": "征求意见截止",
    "draft.deciding": "进入采纳决定",
    "comment.decided": "作出采纳决定",
    "review.requested": "提交合法性审查",
    "review.approved": "合法性审查通过",
    "review.returned": "合法性审查退回",
    "draft.issued": "印发",
    "round.reminders_queued": "发送截止提醒",
    "round.reminder_sent": "催办（发送提醒）",
    "recipient.phoned": "电话催办",
    "message.requeued": "重新发送消息",
    "link.revoked": "撤销回复链接",  # whether a new one went out is in the payload (reissued)
    "user.created": "新增账号",
    "user.password_reset": "重设密码",
    "user.password_changed": "修改本人密码",
    "user.password_rehashed": "按新的哈希参数更新密码哈希",
    "user.disabled": "停用账号",
    "user.enabled": "启用账号",
    "draft.signed_stored": "上传签发的正式文件",
    "draft.withdrawn": "撤回文稿",
    "round.withdrawn": "撤回征求意见",
    "database.backup": "备份数据",
    "auth.login": "登录",
    "auth.login_failed": "登录失败",
    "auth.logout": "退出登录",
    "tasks.tracked": "印发后转为跟踪事项",
    "measures.imported": "导入整改措施表",
    "unit_mapping.added": "指定责任单位对应关系",
    "item.supervised": "挂牌督办",
    "item.reported_done": "单位报告完成",
    "item.closed": "销号",
    "progress.started": "发起月度进展报送",
    "progress.reported": "报送月度进展",
    "progress.reported_late": "逾期报送月度进展",
    "progress_link.revoked": "撤销进展报送链接",
    "progress_link.reissued": "重发进展报送链接",
    "progress.not_reported": "逾期未报送（记为未报送）",
    "progress.closed": "月度进展报送截止",
    "progress.reminders_queued": "发送进展报送提醒",
    "evidence.stored": "上传佐证材料",
    "draft.type_changed": "更改文件类型",
    "draft.legal_basis_set": "填写制定依据",
    "rule.departed": "偏离规定（已说明理由）",
    "review.reminder_queued": "发送审查期限提醒",
    "deliberation.recorded": "登记集体讨论",
    "document.published": "登记公开发布",
    "document.filed": "登记备案",
    "filing.reminder_queued": "发送备案提醒",
    "round.archived": "生成归档包",
    "public.opened": "向社会公开征求意见",
    "public_comment.received": "收到社会公众意见",
    "public_comment.published": "公开社会公众意见",
    "public_comment.hidden": "社会公众意见不予公开",
    "public.grouped": "归并社会公众意见",
    "public_group.merged": "合并意见组",
    "public_group.split": "拆分意见组",
    "public_group.decided": "对意见组作出采纳决定",
    "public.contacts_purged": "删除逾期保存的联系方式",
}
ROLE_LABELS = {
    "staff": "工作人员",
    "reviewer": "审查人员",
    "admin": "管理员",
    "unit": "回复单位",
    "system": "系统",
    "public": "社会公众",
}
MACHINES: dict[str, StateMachine] = {
    "round": ROUND_MACHINE,
    "recipient": RECIPIENT_MACHINE,
    "draft": DRAFT_MACHINE,
    "review": REVIEW_MACHINE,
    "public_comment": MODERATION_MACHINE,
}
DETAIL_LABELS = {
    "doc_number": "发文字号",
    "deadline": "截止时间",
    "old_deadline": "原截止时间",
    "new_deadline": "新截止时间",
    "recipients": "征求对象",
    "contact": "联系人",
    "phone": "电话",
    "outcome": "决定",
    "reason": "理由",
    "opinion": "意见",
    "issued_number": "印发文号",
    "version": "稿次",
    "revision": "回复次数",
    "channel": "渠道",
    "kind": "回复",
    "comments": "意见条数",
    "note": "说明",
    "title": "标题",
    "name": "名称",
    "username": "用户名",
    "unit": "单位",
    "offset": "提醒",
    "messages": "消息数",
    "deemed": "视为无意见",
    "output": "备份位置",
    "to_phone": "需电话通知",
    "role": "角色",
    "signed_file": "签发的正式文件",
    "filename": "文件",
}
VALUE_LABELS = {
    "outcome": OUTCOME_LABELS,
    "channel": {"web": "网上", "paper": "纸质", "email": "邮件"},
    "kind": {"no_comments": "无修改意见", "with_comments": "有修改意见", **KIND_LABELS},
    "role": {"staff": "工作人员", "reviewer": "审查人员", "admin": "管理员"},
}


@dataclass(frozen=True)
class AuditLine:
    seq: int
    at: str  # Beijing time, for people
    who: str
    what: str
    target: str
    states: str  # 征求意见中 → 已截止, or ""
    details: str
    event: dict[str, Any]  # the stored event's fields the raw view shows
    hash: str
    imported: bool

    @property
    def raw(self) -> str:
        """The stored event as indented JSON, Chinese unescaped; formatted when shown (a page shows 200 of
        them, the audit report none)."""
        return indented_json(self.event)


def who_label(actor: str, role: str) -> str:
    role_text = ROLE_LABELS.get(role, role)
    return actor if actor == role_text else f"{actor}（{role_text}）"


def _names(
    uow: UnitOfWork, round_id: int | None, queue: Queue | None = None, entities: Collection[str] | None = None
) -> dict[str, str]:
    """``kind:id`` → a name people know, for the objects of one round: all of them, or only ``entities``
    (the ones a page of the trail shows: a round of 500 units names a few dozen of them per page).
    ``queue``: the round's decision queue, if the caller loaded it already (a comment is named by its
    place in it)."""
    names: dict[str, str] = {}
    if round_id is None:
        return names
    wanted: dict[str, set[int]] | None = None
    if entities is not None:
        wanted = {}
        for entity in entities:
            kind, _, ident = entity.partition(":")
            if ident.isdigit():
                wanted.setdefault(kind, set()).add(int(ident))
    rnd = uow.rounds.get(round_id)
    if rnd is not None:
        names[f"round:{round_id}"] = f"征求意见（{rnd.doc_number}）"
        draft = uow.drafts.get(rnd.draft_id)
        if draft is not None:
            names[f"draft:{draft.id}"] = f"文稿《{draft.title}》"

    def ids(kind: str) -> set[int] | None:
        return None if wanted is None else wanted.get(kind, set())

    for recipient_id, unit_id, name in uow.rounds.recipient_labels(round_id, ids("recipient"), ids("unit") or ()):
        names[f"recipient:{recipient_id}"] = name
        names[f"unit:{unit_id}"] = name
    for reply_id, revision, name in uow.replies.reply_labels(round_id, ids("reply")):
        names[f"reply:{reply_id}"] = f"{name}第{revision}次回复"
    comments = ids("comment")
    if comments is None or comments:
        for n, (comment, _reply, unit, _decision) in enumerate(
            queue if queue is not None else uow.replies.decision_queue(round_id), 1
        ):
            if comments is None or comment.id in comments:
                names[f"comment:{comment.id}"] = f"意见第{n}条（{unit.name}）"
    if wanted is None or ids("review"):
        for review in uow.rounds.reviews(round_id):
            names[f"review:{review.id}"] = "合法性审查"
    return names


def _value(key: str, value: Any) -> str:
    if isinstance(value, list):
        return "、".join(_value(key, v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if key in VALUE_LABELS and isinstance(value, str):
        return VALUE_LABELS[key].get(value, value)
    if isinstance(value, str) and len(value) >= 16 and value[4:5] == "-" and "T" in value:
        try:
            return cn_datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def details_line(payload: dict[str, Any]) -> str:
    parts = [f"{label}：{_value(key, payload[key])}" for key, label in DETAIL_LABELS.items() if payload.get(key)]
    return "；".join(parts)


def state_change(entity: str, from_state: str | None, to_state: str | None) -> str:
    if not to_state:
        return ""
    kind = entity.split(":", 1)[0]
    machine = MACHINES.get(kind)

    def label(state: str) -> str:
        if kind == "comment":  # a decision's outcome (予以采纳 …), not a machine's state
            return OUTCOME_LABELS.get(state, state)
        return machine.label(state) if machine else state

    return f"{label(from_state)} → {label(to_state)}" if from_state else label(to_state)


def audit_lines(
    uow: UnitOfWork,
    round_id: int | None,
    queue: Queue | None = None,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> list[AuditLine]:
    """The round's events (or all, for ``None``) as lines people read, oldest first; with ``limit``, only
    the ``limit`` lines after the first ``offset`` (a page, fetched as such). ``queue``: the round's decision
    queue where the caller has it already (the comments are named by their place in it)."""
    if limit is None:
        events = export_events(uow, round_id)
        names = _names(uow, round_id, queue)
    else:  # a page names only what it shows
        events = export_page(uow, round_id, offset, limit)
        names = _names(uow, round_id, queue, {e["entity"] for e in events})
    return [_line(e, names) for e in events]


def _line(e: dict[str, Any], names: dict[str, str]) -> AuditLine:
    raw = {k: e[k] for k in ("seq", "at", "actor", "role", "action", "entity", "from_state", "to_state", "payload")}
    return AuditLine(
        seq=e["seq"],
        at=to_beijing(datetime.fromisoformat(e["at"])).strftime("%Y-%m-%d %H:%M:%S"),
        who=who_label(e["actor"], e["role"]),
        what=ACTION_LABELS.get(e["action"], "其他操作") + ("（历史导入）" if e["imported"] else ""),
        target=names.get(e["entity"], _generic_name(e["entity"])),
        states=state_change(e["entity"], e["from_state"], e["to_state"]),
        details=details_line(e["payload"]),
        event=raw,
        hash=e["hash"],
        imported=e["imported"],
    )


KIND_NAMES = {
    "user": "账号",
    "unit": "单位",
    "office": "发文机关",
    "draft": "文稿",
    "round": "征求意见",
    "message": "消息",
    "public_comment": "社会公众意见",
    "public_group": "社会公众意见组",
    "public_consultation": "公开征求意见",
}


def _generic_name(entity: str) -> str:
    kind, _, ident = entity.partition(":")
    return f"{KIND_NAMES[kind]}{ident}" if kind in KIND_NAMES else ("数据库" if entity == "database" else entity)
