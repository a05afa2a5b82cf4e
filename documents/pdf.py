"""DOCX → PDF through LibreOffice (``soffice --headless --convert-to pdf``), where it is installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path


def soffice() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(files: Mapping[str, bytes], *, timeout: float = 180.0) -> dict[str, bytes]:
    """Convert every DOCX (name → bytes) in one LibreOffice run; returns name.pdf → bytes for those
    that converted (none when LibreOffice is missing or fails)."""
    binary = soffice()
    if binary is None or not files:
        return {}
    with tempfile.TemporaryDirectory(prefix="consultflow-pdf-") as tmp:
        work = Path(tmp)
        names = {}
        for n, (name, data) in enumerate(files.items()):
            path = work / f"doc{n}.docx"  # ASCII names: soffice and every locale agree on them
            path.write_bytes(data)
            names[path.stem] = name
        out = work / "out"
        try:
            subprocess.run(
                [
                    binary,
                    f"-env:UserInstallation=file://{work / 'profile'}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(out),
                    *[str(work / f"{stem}.docx") for stem in names],
                ],
                check=True,
                capture_output=True,
                timeout=timeout,
            )
        except (subprocess.SubprocessError, OSError):
            return {}
        return {
            names[pdf.stem].removesuffix(".docx") + ".pdf": pdf.read_bytes()
            for pdf in sorted(out.glob("*.pdf"))
            if pdf.stem in names
        }
