"""`make docs-preview`: render every document of the seed demo to PNG pages for a person to look at.

DOCX → PDF with LibreOffice, PDF → PNG with pdftoppm; output in the folder given (default var/docs-preview).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from storage.db import make_engine
from storage.migrate import upgrade
from storage.uow import UnitOfWork
from workflow.config import load_settings
from workflow.demo.loader import load_demo
from workflow.reports.render import render_report

KINDS = ("letter", "draft", "task-table", "reply-form", "adoption", "explanation", "review-package", "audit")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/preview.db")
        upgrade(engine)
        loaded = load_demo(engine, load_settings(Path(__file__).resolve().parents[1] / "config.toml"))
        for kind in KINDS:
            with UnitOfWork(engine) as uow:
                rendered = render_report(
                    uow, loaded.round_id, kind, "docx", unit="交通运输局" if kind == "reply-form" else None
                )
            docx = out / f"{kind}.docx"
            docx.write_bytes(rendered.data)
            subprocess.run(
                [
                    "soffice",
                    f"-env:UserInstallation=file://{tmp}/lo",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(out),
                    str(docx),
                ],
                check=True,
                capture_output=True,
                timeout=300,
            )
            subprocess.run(["pdftoppm", "-r", "80", "-png", str(out / f"{kind}.pdf"), str(out / kind)], check=True)
            print(f"{kind}: {out / kind}-*.png")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/docs-preview"))
