"""Every error code the product reports, with the kind of error it is and when it happens.

Why a registry: scripts and the web pages branch on ``error.code`` (the message is for people and may
be reworded), so a code is a public promise. A code must mean one thing, and be raised with one class
(:mod:`kernel.errors`), so it always comes back with the same HTTP status and CLI exit. This table is
where a reader finds them all; ``tests/unit/test_errors__registry.py`` checks it against the source:
every code raised is listed here with the class it is raised as, and every entry is still raised.

``kind`` names the class in :mod:`kernel.errors`. Guards declared with ``@guard("CODE", ...)`` in
``states/`` are raised by the state machine as ``Conflict``. A few codes are written straight into a
response (``AUDIT_CHAIN_BROKEN``) or raised through ``DomainError`` itself by the CLI; their kind is
what a caller sees.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

ErrorKind = Literal[
    "DomainError",
    "NotFound",
    "Conflict",
    "InvalidInput",
    "TooManyRequests",
    "AuthRequired",
    "Forbidden",
    "PayloadTooLarge",
    "Unavailable",
]


@dataclass(frozen=True)
class ErrorCode:
    """One registered code: the error class it is raised as and, in Chinese, when it happens."""

    kind: ErrorKind
    description: str


def _table(**codes: tuple[ErrorKind, str]) -> Mapping[str, ErrorCode]:
    return MappingProxyType({code: ErrorCode(kind, description) for code, (kind, description) in sorted(codes.items())})


ERROR_CODES: Final[Mapping[str, ErrorCode]] = _table(
    # --- the state machines (states/): guards and refused transitions ---
    TRANSITION_FORBIDDEN=("Conflict", "当前状态下不允许执行该操作（状态机中没有这条转换）。"),
    GUARD_FAILED=("Conflict", "状态转换的某个条件不满足，而该条件未声明自己的错误代码（兜底代码）。"),
    ROUND_NO_RECIPIENTS=("Conflict", "发起征求意见时没有选定任何征求对象单位。"),
    DEADLINE_IN_PAST=("Conflict", "发起征求意见或调整截止时间时，截止时间不晚于当前时间。"),
    DEADLINE_NOT_REACHED=("Conflict", "尚未到截止时间就要截止征求意见，或将未回复单位视为无意见。"),
    DEADLINE_PASSED=("Conflict", "截止时间已过（本轮应予截止）后仍要调整截止时间。"),
    COMMENTS_UNDECIDED=("Conflict", "还有修改意见未作采纳决定时提交合法性审查。"),
    DECISION_REASON_MISSING=("Conflict", "有不予采纳或部分采纳的意见未说明理由时提交合法性审查。"),
    ROUND_NOT_CLOSED=("Conflict", "文稿没有已截止的征求意见轮次就直接提交合法性审查。"),
    REVIEW_NOT_APPROVED=("Conflict", "合法性审查未通过时要印发文稿。"),
    REPLY_AFTER_DEADLINE=("Conflict", "截止时间之后收到的回复按逾期处理，不改变单位的回复状态。"),
    SIGNOFF_EVIDENCE_REQUIRED=("Conflict", "销号时没有附完成佐证材料。"),
    PROGRESS_AFTER_DUE=("Conflict", "月度进展报送截止后单位仍要报送。"),
    PROGRESS_DUE_NOT_REACHED=("Conflict", "尚未到报送截止时间就要将单位记为未报送。"),
    # --- tracking after issue: measures tables, tracked items, monthly progress ---
    MEASURES_HEADER_MISSING=("InvalidInput", "整改措施表文件中找不到表头（具体问题、整改措施、责任单位等）。"),
    MEASURES_FORMAT_UNSUPPORTED=("InvalidInput", "整改措施表文件不是可读取的 .txt、.md、.docx 或 .xlsx。"),
    MEASURES_DATE_REQUIRED=("InvalidInput", "导入整改措施表时文件未写明日期，也没有用 --date 指定。"),
    DOC_DATE_INVALID=("InvalidInput", "所填日期不是 2024-06-01 这样的日期。"),
    MEASURE_TABLE_NOT_FOUND=("NotFound", "还没有任何跟踪事项（未导入措施表，也未印发含重点任务分工的文稿）。"),
    ITEM_NOT_FOUND=("NotFound", "按编号查找的跟踪事项不存在。"),
    ITEM_CLOSED=("Conflict", "对已销号的事项挂牌督办。"),
    SUPERVISION_NOTE_REQUIRED=("InvalidInput", "挂牌督办时没有写明督办要求。"),
    MAPPING_TEXT_EMPTY=("InvalidInput", "指定单位对应关系时没有填写原文名称。"),
    EVIDENCE_EMPTY=("InvalidInput", "上传的佐证材料文件为空。"),
    EVIDENCE_TOO_LARGE=("PayloadTooLarge", "佐证材料超过 20 MB。"),
    PROGRESS_CONFIG_INVALID=("InvalidInput", "[progress] 配置无效（due_day 不在 1–28 或 due_time 格式不对）。"),
    PROGRESS_MONTH_INVALID=("InvalidInput", "月份不是 2023-10 这样的写法。"),
    PROGRESS_ROUND_EXISTS=("Conflict", "该月的进展报送已经发起过。"),
    PROGRESS_DUE_PAST=("InvalidInput", "发起进展报送时截止时间不晚于当前时间。"),
    PROGRESS_NOTHING_OPEN=("InvalidInput", "发起进展报送时没有未销号且已对应到单位的事项。"),
    PROGRESS_ROUND_NOT_FOUND=("NotFound", "所指月份或编号的进展报送不存在。"),
    PROGRESS_REQUEST_NOT_FOUND=("NotFound", "该单位不在这一轮进展报送范围内，或请求编号不存在。"),
    EVIDENCE_NOT_FOUND=("NotFound", "按编号查找的佐证材料不存在。"),
    PROGRESS_LINK_READ_ONLY=("Forbidden", "月度进展报送截止后通过链接提交进展。"),
    PROGRESS_LINK_INVALID=("NotFound", "进展报送链接无效。"),
    PROGRESS_ITEM_UNKNOWN=("InvalidInput", "报送的事项不在该单位本轮的报送清单中。"),
    PROGRESS_INCOMPLETE=("InvalidInput", "报送时有清单中的事项没有填写。"),
    PROGRESS_STATUS_INVALID=("InvalidInput", "进展状态不是未开始、推进中、已完成、受阻之一。"),
    PROGRESS_TEXT_REQUIRED=("InvalidInput", "报送状态不是“未开始”的事项没有填写工作开展情况。"),
    PROGRESS_FILE_INVALID=("InvalidInput", "命令行给出的进展文件不是约定格式的 JSON。"),
    ROUND_REQUIRED=("InvalidInput", "生成征求意见类文书时没有用 --round 指定轮次。"),
    # --- drafts and versions ---
    DRAFT_NOT_FOUND=("NotFound", "按编号查找的文稿不存在。"),
    VERSION_NOT_FOUND=("NotFound", "文稿没有所请求的第几稿。"),
    DRAFT_TITLE_REQUIRED=("InvalidInput", "登记文稿时没有填写标题。"),
    DRAFT_ISSUER_REQUIRED=("InvalidInput", "登记文稿时没有填写发文机关。"),
    DRAFT_STAGE_INVALID=("InvalidInput", "文稿阶段不是代拟稿、讨论稿、送审稿、正式稿之一。"),
    DRAFT_EMPTY=("InvalidInput", "上传的文稿文件没有内容。"),
    DRAFT_FORMAT_UNSUPPORTED=("InvalidInput", "文稿文件不是 .txt、.md 或 .docx。"),
    DRAFT_DOCX_INVALID=("InvalidInput", "文稿文件不是可以读取的 Word .docx 文件。"),
    DRAFT_TABLE_UNPARSEABLE=("InvalidInput", "文稿中找不到或读不懂重点任务分工表（表头、列数、序号有误）。"),
    FILE_ENCODING_UNKNOWN=("InvalidInput", "上传的文本文件编码无法识别（既不是 UTF-8 也不是 GB18030）。"),
    WITHDRAW_REASON_REQUIRED=("InvalidInput", "撤回文稿时没有说明理由。"),
    DOC_NUMBER_INVALID=("InvalidInput", "发文字号不符合“机关代字〔年份〕序号号”的格式。"),
    DOC_NUMBER_DUPLICATE=("Conflict", "发起征求意见时所填发文字号已被其他征求意见函使用。"),
    # --- rounds: starting, deadlines, recipients ---
    ROUND_NOT_FOUND=("NotFound", "按编号查找的征求意见轮次不存在。"),
    OFFICE_NOT_FOUND=("NotFound", "配置的发文机关尚未建立（数据库未执行 consultflow init）。"),
    CONTACT_REQUIRED=("InvalidInput", "发起征求意见时没有填写联系人或联系电话。"),
    DEADLINE_REQUIRED=("InvalidInput", "发起征求意见时既没有给出截止时间，也没有给出工作日数。"),
    DEADLINE_AMBIGUOUS=("InvalidInput", "发起征求意见时同时给出了截止时间和工作日数，不知以哪个为准。"),
    REPORT_OUTPUT_MISMATCH=(
        "InvalidInput",
        "生成的文书是 ZIP 包（未指定单位的回复表），而 --output 给的不是 .zip 文件名。",
    ),
    ROUND_NOT_OPEN=("Conflict", "对已截止或已撤回的轮次催办。"),
    NOBODY_TO_REMIND=("Conflict", "所有征求对象均已回复时仍要催办。"),
    CALL_NOTE_REQUIRED=("InvalidInput", "登记电话催办时没有写明通话情况。"),
    DOCUMENT_NOT_FOUND=("NotFound", "回复链接下请求的文件不存在（只有回复表和代拟稿）。"),
    INPUT_PROBLEMS=("InvalidInput", "一次提交中有多处输入需要修改（逐项列在 details.fields 中）。"),
    DEADLINE_REASON_REQUIRED=("InvalidInput", "调整截止时间时没有说明理由。"),
    DATETIME_INVALID=("InvalidInput", "时间文本无法识别为北京时间的日期和时刻。"),
    DATE_INVALID=("InvalidInput", "日期文本（成文日期、命令行给出的起始日期）格式不正确。"),
    WORKDAYS_INVALID=("InvalidInput", "工作日数不是整数，或超出允许的范围。"),
    CALENDAR_YEAR_UNKNOWN=("InvalidInput", "按工作日计算截止时间时，所涉年份没有节假日安排数据。"),
    CALENDAR_CONFIG_INVALID=("InvalidInput", "config.toml 的 [calendar] 节假日配置写错了。"),
    RECIPIENTS_REQUIRED=("InvalidInput", "命令行发起征求意见时没有指定征求对象。"),
    NOT_A_RECIPIENT=("NotFound", "所指单位不是本轮征求意见的征求对象。"),
    LINK_NOT_FOUND=("NotFound", "本轮的某个征求对象单位还没有回复链接。"),
    LINK_INVALID=("NotFound", "回复链接的令牌无效或链接已被撤销。"),
    LINK_READ_ONLY=("Forbidden", "征求意见截止后仍通过回复链接提交回复。"),
    # --- units (the directory of organisations asked) ---
    UNIT_UNKNOWN=("NotFound", "所指单位不在单位名录中。"),
    UNIT_AMBIGUOUS=("Conflict", "单位简称或别名对应名录中的多个单位，需写出全称。"),
    UNIT_INACTIVE=("InvalidInput", "选择已停用的单位作为征求对象。"),
    UNIT_CATEGORY_UNKNOWN=("InvalidInput", "单位类别名称无法识别。"),
    UNIT_CATEGORY_EMPTY=("NotFound", "按类别选择征求对象时，名录中没有该类别的单位。"),
    UNITS_EMPTY=("InvalidInput", "导入的单位名录文件没有任何单位。"),
    UNITS_FORMAT_UNSUPPORTED=("InvalidInput", "单位名录文件（导入或导出）不是 .csv 或有效的 .xlsx。"),
    UNITS_HEADER_INVALID=("InvalidInput", "单位名录的表头无法识别，或缺少“名称”列。"),
    UNITS_ROW_INVALID=("InvalidInput", "单位名录中有一行缺少单位名称。"),
    UNITS_DUPLICATE=("InvalidInput", "单位名录中同一单位出现两次，或新增的单位已存在。"),
    UNITS_ALIAS_CONFLICT=("InvalidInput", "同一个别名被分给了两个不同的单位。"),
    FILE_UNREADABLE=("InvalidInput", "命令行指定的文件无法读取。"),
    # --- replies and comments ---
    REPLY_NOT_FOUND=("NotFound", "按编号查找的回复不存在（或不属于本轮）。"),
    REPLY_NOT_LATE=("Conflict", "要单独纳入的回复并未逾期。"),
    REPLY_ALREADY_ADMITTED=("Conflict", "要纳入的逾期回复已经纳入过采纳决定。"),
    ADMIT_REASON_REQUIRED=("InvalidInput", "纳入逾期回复时没有说明理由。"),
    ROUND_CLOSED_FOR_REPLIES=(
        "Conflict",
        "文稿已进入合法性审查、已印发或已撤回后仍登记回复，或不在采纳决定阶段纳入逾期回复。",
    ),
    RECEIVED_AT_IN_FUTURE=("InvalidInput", "登记纸质或邮件回复时，收到时间晚于当前时间。"),
    REPLY_CHANNEL_INVALID=("InvalidInput", "回复渠道不是网上、纸质、邮件之一。"),
    REPLY_KIND_REQUIRED=("InvalidInput", "命令行登记回复时没有指定“无修改意见”、修改意见文件或回复表。"),
    REPLY_KIND_CONFLICT=("InvalidInput", "同一份回复既注明“无修改意见”又提交了修改意见。"),
    REPLY_FORM_AND_ROWS=("InvalidInput", "网页上已上传回复表，又在表格中填写了意见或勾选了无修改意见。"),
    REPLY_FORM_UNREADABLE=("InvalidInput", "上传的回复表不是可以读取的 Word .docx 文件。"),
    REPLY_FORM_NO_TABLE=("InvalidInput", "回复表中找不到表头含“修改意见”的意见表格。"),
    REPLY_FORM_ROW_INVALID=("InvalidInput", "回复表某一行填写了条目、依据或理由，却没有修改意见。"),
    REPLY_FORM_UNIT_MISMATCH=("InvalidInput", "回复表上写的单位与登记回复时选定的单位不一致。"),
    COMMENTS_EMPTY=("InvalidInput", "提交修改意见时一条意见也没有。"),
    COMMENTS_MALFORMED=("InvalidInput", "修改意见文件不是规定格式的 JSON（数组、对象、字段或类型不对）。"),
    COMMENT_TEXT_REQUIRED=("InvalidInput", "某条修改意见没有内容。"),
    COMMENT_TOO_LONG=("InvalidInput", "某条修改意见超过 20000 字。"),
    COMMENT_TARGET_UNKNOWN=("InvalidInput", "修改意见所指的序号在重点任务分工表中不存在。"),
    ATTACHMENT_NOT_FOUND=("NotFound", "要下载的回复附件（扫描件）不存在。"),
    ATTACHMENT_TYPE_INVALID=("InvalidInput", "回复扫描件不是 PDF、JPG、PNG 或 Word 回复表。"),
    ATTACHMENT_TOO_LARGE=("InvalidInput", "回复扫描件为空或超过 10 MB。"),
    # --- adoption decisions and legality review ---
    COMMENT_NOT_FOUND=("NotFound", "要作出采纳决定的修改意见不存在。"),
    COMMENT_NOT_IN_QUEUE=("Conflict", "该意见已被后续修改稿替代，或属未纳入的逾期回复，不在待决定范围内。"),
    COMMENTS_NOT_SELECTED=("InvalidInput", "网页上批量作出采纳决定时一条意见也没有选。"),
    DECISION_NOT_ALLOWED=("Conflict", "不在征求意见截止后、提交合法性审查前的阶段作出采纳决定。"),
    DECISION_OUTCOME_INVALID=("InvalidInput", "采纳结论不是采纳、部分采纳、不予采纳之一。"),
    DECISION_OUTCOME_REQUIRED=("InvalidInput", "命令行作出采纳决定时没有选择采纳结论。"),
    DECISION_REASON_REQUIRED=("InvalidInput", "部分采纳或不予采纳时没有说明理由。"),
    CHANGE_TASK_UNKNOWN=("InvalidInput", "采纳决定所指的重点任务分工序号不存在。"),
    REVIEWER_REQUIRED=("InvalidInput", "记录合法性审查结果时没有填写审查机关或审查人。"),
    REVIEW_OPINION_REQUIRED=("InvalidInput", "合法性审查退回修改时没有填写审查意见。"),
    REVIEW_OUTCOME_REQUIRED=("InvalidInput", "命令行记录审查结果时没有指定通过或退回。"),
    REVIEW_NOT_PENDING=("Conflict", "该轮次没有待审查的合法性审查申请。"),
    ROUND_SUPERSEDED=("Conflict", "文稿已发起新的征求意见轮次，却针对旧轮次提交合法性审查。"),
    # --- documents and reports ---
    REPORT_KIND_INVALID=("InvalidInput", "请求的文书类型不存在。"),
    REPORT_FORMAT_INVALID=("InvalidInput", "请求的文书格式不存在。"),
    EXPORT_FORMAT_INVALID=("InvalidInput", "导出审计记录的格式不是 json 或 csv。"),
    OUTPUT_REQUIRED=("DomainError", "命令行生成 DOCX 或 ZIP 文书时没有用 --output 指定保存路径。"),
    AUDIT_CHAIN_BROKEN=("DomainError", "审计记录的哈希链校验未通过（命令行 audit verify 的结果）。"),
    AUDIT_STATE_MISMATCH=("DomainError", "按审计记录重放得到的状态与数据表不符（audit verify --state）。"),
    AUDIT_CHECKPOINT_MISSING=("DomainError", "已签名检查点对应的审计记录在数据库中已不存在（记录被截断或删除）。"),
    AUDIT_CHECKPOINT_MISMATCH=("DomainError", "数据库中检查点序号处的审计记录哈希与已签名的检查点不符（记录被改写）。"),
    AUDIT_CHECKPOINT_SIGNATURE_INVALID=("DomainError", "检查点的签名无效（检查点被改动或伪造）。"),
    AUDIT_CHECKPOINT_KEY_UNKNOWN=("DomainError", "检查点由其他密钥签名，不是本机关的审计签名密钥。"),
    AUDIT_CHECKPOINT_MALFORMED=("InvalidInput", "检查点文件不是有效的检查点 JSON，或其中没有检查点。"),
    AUDIT_EMPTY=("NotFound", "还没有任何审计记录时请求生成检查点。"),
    AUDIT_KEY_MISSING=("NotFound", "审计签名密钥文件不存在（应先执行 consultflow init）。"),
    AUDIT_KEY_INVALID=("InvalidInput", "审计签名密钥文件无法读取或不是 Ed25519 私钥。"),
    AUDIT_PUBLIC_KEY_INVALID=("InvalidInput", "用于核验检查点的公钥文件无法读取或不是 Ed25519 公钥。"),
    # --- accounts, sessions, web requests ---
    NOT_AUTHENTICATED=("AuthRequired", "未登录（或会话已失效）就访问需要登录的页面或接口。"),
    FORBIDDEN=("Forbidden", "已登录，但角色无权执行该操作。"),
    CSRF_INVALID=("Forbidden", "表单的 CSRF 令牌缺失或不符。"),
    RATE_LIMITED=("TooManyRequests", "登录或回复链接的访问次数超过每分钟的限额。"),
    LOGIN_FAILED=("InvalidInput", "用户名或密码错误。"),
    USER_UNKNOWN=("NotFound", "按用户名查找的账号不存在。"),
    USER_EXISTS=("Conflict", "新建账号的用户名已存在。"),
    USER_FIELDS_REQUIRED=("InvalidInput", "新建账号时没有填写用户名或姓名。"),
    USER_STATE_UNCHANGED=("Conflict", "启用已启用的账号，或停用已停用的账号。"),
    ROLE_INVALID=("InvalidInput", "角色不是 staff、reviewer、admin 之一。"),
    PASSWORD_TOO_SHORT=("InvalidInput", "密码短于最少字符数。"),
    PASSWORD_MISMATCH=("InvalidInput", "网页上两次输入的新密码不一致。"),
    PASSWORD_WRONG=("InvalidInput", "修改自己的密码时，原密码不正确。"),
    PASSWORD_UNCHANGED=("InvalidInput", "修改自己的密码时，新密码与原密码相同。"),
    USER_SELF_DISABLE=("Conflict", "管理员要停用自己正在使用的账号。"),
    USER_LAST_ADMIN=("Conflict", "要停用唯一一个在用的管理员账号（停用后无人能管理账号）。"),
    UPLOAD_REQUIRED=("InvalidInput", "网页表单要求上传文件却没有选择文件。"),
    UPLOAD_EMPTY=("InvalidInput", "上传的文件是空的。"),
    UPLOAD_TOO_LARGE=("PayloadTooLarge", "上传的文件（或整个请求）超过大小上限。"),
    UPLOAD_TYPE_INVALID=("InvalidInput", "上传的文件类型不在该表单允许的范围内。"),
    UPLOAD_ARCHIVE_UNSAFE=(
        "InvalidInput",
        "上传的 Word/Excel 文件解压后过大、条目过多、压缩比异常，或含有 DOCTYPE/实体声明、嵌套过深的 XML。",
    ),
    TEXT_CONTROL_CHARACTER=("InvalidInput", "提交的文字（意见、文号、单位信息、标题、理由等）含有不可见的控制字符。"),
    REQUEST_INVALID=("InvalidInput", "请求的参数、表单或 JSON 不符合接口要求（类型、范围或必填项）。"),
    ROUTE_NOT_FOUND=("NotFound", "请求的网址不存在。"),
    METHOD_NOT_ALLOWED=("DomainError", "该网址不支持所用的请求方法（HTTP 405）。"),
    INTERNAL_ERROR=("DomainError", "服务器内部错误（程序缺陷）；已记录日志，请联系系统管理员。"),
    DB_UNAVAILABLE=("Unavailable", "数据库不可用（连接失败、只读或磁盘已满），暂时无法保存或读取。"),
    REPLY_TOO_MANY_COMMENTS=("InvalidInput", "一次回复的修改意见条数超过上限。"),
    REPLY_TOO_LARGE=("InvalidInput", "一次回复的修改意见总字数超过上限。"),
    # --- notifications ---
    ADDRESS_EMAIL_INVALID=("InvalidInput", "单位或配置中的邮箱地址格式不正确。"),
    ADDRESS_WEBHOOK_INVALID=("InvalidInput", "单位或配置中的 webhook 地址不是 http(s) 地址。"),
    NOTIFY_CONFIG_INVALID=("InvalidInput", "config.toml 中通知渠道（邮件、webhook、机器人）的配置写错了。"),
    TEMPLATE_UNKNOWN=("InvalidInput", "没有该类消息的模板。"),
    TEMPLATE_INVALID=("InvalidInput", "消息模板有语法错误，或引用了不存在的字段。"),
    MESSAGE_NOT_FOUND=("NotFound", "按编号查找的待发消息不存在。"),
    MESSAGE_NOT_FAILED=("Conflict", "把并未发送失败的消息重新排队。"),
    # --- the process the law asks for: document types, departures, review, deliberation, filing, archive ---
    DOC_TYPE_UNKNOWN=("NotFound", "文稿或配置指定的文件类型（如 general、normative）不存在。"),
    DOC_TYPES_CONFIG_INVALID=("InvalidInput", "config.toml [doc_types.<key>] 中的文件类型规则写错了。"),
    DOC_TYPE_LOCKED=("Conflict", "文稿已发起征求意见后还要更改文件类型。"),
    DRAFT_CLOSED=("Conflict", "文稿已印发或撤回后还要修改制定依据或登记集体讨论。"),
    ROUND_SCOPE_INVALID=("InvalidInput", "征求意见范围不是 internal（内部）或 public（向社会公开）。"),
    PERIOD_TOO_SHORT=("InvalidInput", "向社会公开征求意见的期限短于该类文件的最短期限，且未说明理由。"),
    REVIEW_REQUIRED=("Conflict", "须经合法性审查的文件未经审查就要印发。"),
    DELIBERATION_REQUIRED=("Conflict", "须经集体讨论决定的文件未登记（通过的）集体讨论就要印发。"),
    CHECKLIST_POINT_UNKNOWN=("InvalidInput", "审查结论中有该类文件审查要点之外的要点。"),
    CHECKLIST_INCOMPLETE=("InvalidInput", "逐项审查时有审查要点未作结论。"),
    CHECKLIST_ANSWER_INVALID=("InvalidInput", "审查要点的结论不是 lawful、amend、unlawful 之一，或格式不对。"),
    CHECKLIST_NOTE_REQUIRED=("InvalidInput", "审查要点结论为需修改或不合法，却没有写明意见。"),
    CHECKLIST_CONTRADICTS=("InvalidInput", "有审查要点结论为不合法，却要审查通过。"),
    OPINION_FILE_TYPE=("InvalidInput", "上传的审查意见书不是 PDF 或 DOCX。"),
    OPINION_FILE_SIZE=("InvalidInput", "上传的审查意见书为空或超过大小上限。"),
    MEETING_REQUIRED=("InvalidInput", "登记集体讨论时没有填写会议名称。"),
    DELIBERATION_OUTCOME_INVALID=(
        "InvalidInput",
        "集体讨论的结论不是 approved、approved_with_changes、deferred、rejected 之一。",
    ),
    MINUTES_FILE_SIZE=("InvalidInput", "上传的会议纪要为空或超过大小上限。"),
    SIGNED_DOCUMENT_TYPE=("InvalidInput", "上传的签发正式文件不是 PDF、DOCX 或 OFD。"),
    SIGNED_DOCUMENT_SIZE=("InvalidInput", "上传的签发正式文件为空或超过大小上限。"),
    SIGNED_DOCUMENT_INVALID=("InvalidInput", "上传的签发正式文件内容与其类型不符（不是有效的 PDF、Word 或 OFD）。"),
    SIGNED_DOCUMENT_NOT_ISSUED=("Conflict", "文稿尚未印发（或已发起新一轮征求意见）就要上传签发的正式文件。"),
    SIGNED_DOCUMENT_NOT_FOUND=("NotFound", "要下载的签发正式文件不存在，或不属于该轮次。"),
    NOT_ISSUED=("Conflict", "文件尚未印发就要登记公开发布或备案。"),
    NOT_PUBLISHED=("Conflict", "文件尚未登记公开发布就要登记备案。"),
    ALREADY_PUBLISHED=("Conflict", "同一文件第二次登记公开发布。"),
    ALREADY_FILED=("Conflict", "同一文件第二次登记备案。"),
    PUBLICATION_PLACE_REQUIRED=("InvalidInput", "登记公开发布时没有填写发布载体。"),
    FILING_BODY_REQUIRED=("InvalidInput", "登记备案时没有填写备案机关。"),
    ARCHIVE_ARGS_REQUIRED=("InvalidInput", "生成归档包时没有指定轮次或输出文件。"),
    ARCHIVE_INVALID=("InvalidInput", "要校验的文件不是归档包（ZIP 或 manifest.json 缺失、损坏）。"),
    ARCHIVE_ALTERED=("DomainError", "归档包中有文件与清单中的 SHA-256 不符、缺失或多出，或审计记录摘要被改动。"),
    # --- configuration, database, setup ---
    CONFIG_NOT_FOUND=("InvalidInput", "找不到指定的配置文件。"),
    CONFIG_INVALID=("InvalidInput", "配置文件不是有效的 TOML。"),
    SECRET_KEY_WEAK=("InvalidInput", "对外（https）部署时 secret_key 仍为示例值或过短。"),
    DB_NOT_INITIALISED=("DomainError", "数据库尚未执行 consultflow init 就运行其他命令。"),
    BACKUP_TARGET_EXISTS=("InvalidInput", "备份的目标文件已存在。"),
    BACKUP_USE_PG_DUMP=("InvalidInput", "对 PostgreSQL 数据库执行 consultflow backup（应改用 pg_dump）。"),
    BACKUP_AUDIT_BROKEN=("InvalidInput", "备份已写出，但备份中的审计记录哈希链校验未通过。"),
    DEMO_ALREADY_LOADED=("Conflict", "演示数据已经载入过一次。"),
)


def lookup(code: str) -> ErrorCode | None:
    """The registered entry for ``code``, or None for a code nobody registered."""
    return ERROR_CODES.get(code)
