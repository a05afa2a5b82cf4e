"""round links: each unit's reply link, to paste into a WeChat message or a phone call's follow-up."""

from __future__ import annotations

import typer

from entrypoints.cli.runtime import domain_errors, rt


def links(round_id: int = typer.Option(..., "--round")) -> None:
    """列出本轮每个单位的回复链接（--json：[{"unit", "url"}]）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.links import round_links

    r = rt()
    with domain_errors(), r.uow() as uow:
        found = round_links(uow, r.clock, r.settings.secret_key, r.settings.base_url, round_id)
    data = [{"unit": x.unit, "url": x.url} for x in found]
    r.emit(data, "\n".join(f"{x.unit}\t{x.url}" for x in found) or "本轮没有可用的回复链接。")
