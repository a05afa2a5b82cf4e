"""Shared bits of the staff pages: the notices after a redirect, rendering a page."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from entrypoints.web.render import templates

NOTICES = {
    "round_started": "已发起征求意见，通知已进入发送队列。",
    "reply_saved": "回复已登记。",
    "deadline_changed": "截止时间已调整。",
    "decided": "采纳决定已保存。",
    "submitted": "已提交合法性审查。",
    "revised": "修改稿已导入。",
    "issued": "已印发。",
    "admitted": "逾期回复已纳入采纳决定。",
    "units_imported": "单位名录已导入。",
    "units_imported_new": "单位名录已导入；文件中的新单位类别已按出现顺序加入本机关的类别清单。",
    "unit_saved": "单位信息已保存。",
    "draft_uploaded": "文稿已导入，请核对下方的解析结果（重点任务分工、条文或标题层次）。",
    "link_revoked": "原回复链接已撤销，新的链接已随通知重新发送。",
    "withdrawn": "文稿已撤回。",
    "deliberated": "集体讨论情况已登记。",
    "published": "公开发布情况已登记。",
    "filed": "备案情况已登记。",
    "typed": "文件类型已更改。",
    "basis_saved": "制定依据已保存。",
    "moderated": "审核结果已保存。",
    "merged": "意见组已合并。",
    "split": "已拆分为新的意见组。",
    "user_created": "账号已新增。",
    "user_disabled": "账号已停用，已登录的会话已失效。",
    "user_enabled": "账号已启用。",
    "password_reset": "密码已重设，该账号已登录的会话已失效。",
    "password_changed": "密码已修改；其他设备上的登录已退出。",
    "signed_stored": "签发的正式文件已保存。",
}


def page(request: Request, name: str, user: object, **context: object) -> Response:
    notice = NOTICES.get(request.query_params.get("ok", ""))
    return templates.TemplateResponse(request, name, {"user": user, "notice": notice, **context})


def back(url: str, ok: str) -> Response:
    return RedirectResponse(f"{url}{'&' if '?' in url else '?'}ok={ok}", status_code=303)
