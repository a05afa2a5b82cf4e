"""round links: each unit's reply link, to paste into a WeChat message or a phone call's follow-up."""

from __future__ import annotations

import typer

from entrypoints.cli.runtime import domain_errors, rt


def links(round_id: int = typer.Option(..., "--round")) -> None:
    """列出本轮每个单位的回复链接（--json：[{"unit", "url"}]；已撤销且未重发的链接 url 为 null）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.links import round_links

    r = rt()
    with domain_errors(), r.uow() as uow:
        found = round_links(uow, r.clock, r.settings.secret_key, r.settings.base_url, round_id)
    data = [{"unit": x.unit, "url": x.url or None} for x in found]
    lines = (f"{x.unit}\t{x.url or '（链接已撤销）'}" for x in found)
    r.emit(data, "\n".join(lines) or "本轮没有可用的回复链接。")
