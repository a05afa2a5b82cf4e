"""Tools for the security tests: clients from chosen loopback addresses, process memory, hostile files.

Every loopback address 127.0.0.0/8 reaches a server on 127.0.0.1, so each test can be "another client"
(rate limits key on the client address) without any proxy header.
"""

from __future__ import annotations

import contextlib
import io
import select
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
from docx import Document


def client_from(address: str, base_url: str) -> httpx.Client:
    """An HTTP client whose connections leave from ``address`` (e.g. ``127.0.0.7``)."""
    return httpx.Client(base_url=base_url, transport=httpx.HTTPTransport(local_address=address), timeout=30)


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    """A process's resident memory (``VmRSS``) or its peak so far (``VmHWM``), in kB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


@contextlib.contextmanager
def sampling_rss(pid: int, interval: float = 0.01) -> Iterator[list[int]]:
    """The highest ``VmRSS`` (kB) of ``pid`` seen while the block runs, sampled every ``interval`` seconds
    (``VmHWM`` would include the start-up peak, which is higher than what an idle server holds)."""
    peak = [rss_kb(pid)]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_kb(pid))
            time.sleep(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        done.set()
        sampler.join()
        peak[0] = max(peak[0], rss_kb(pid))


def send_chunked(host: str, port: int, path: str, total: int, *, source: str, chunk: int = 64 * 1024) -> bytes:
    """POST ``total`` bytes of a JSON-looking body with chunked encoding, stopping as soon as the server
    answers or closes; returns whatever the server answered (the status line first)."""
    sock = socket.create_connection((host, port), source_address=(source, 0))
    sock.settimeout(30)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    ).encode()
    piece = b'{"comments": [' + b" " * (chunk - 14)
    filler = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    answer = b""
    try:
        sock.sendall(head)
        sent = 0
        while sent < total:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            sock.sendall(filler)
            sent += len(piece)
        else:
            sock.sendall(b"0\r\n\r\n")
        while True:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
            if b"\r\n\r\n" in answer and answer.split(b"\r\n\r\n", 1)[1].rstrip().endswith(b"}"):
                break
    except (BrokenPipeError, ConnectionResetError):
        with contextlib.suppress(OSError):
            answer += sock.recv(65536)
    finally:
        sock.close()
    return answer


def docx_with(document_xml: bytes, *, extra: dict[str, bytes] | None = None) -> bytes:
    """A real .docx (made by python-docx) whose ``word/document.xml`` is replaced by ``document_xml``."""
    blank = io.BytesIO()
    Document().save(blank)
    out = io.BytesIO()
    with zipfile.ZipFile(blank) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = document_xml if item.filename == "word/document.xml" else src.read(item)
            dst.writestr(item.filename, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
        for name, data in (extra or {}).items():
            dst.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_bomb(inflated_mb: int = 30) -> bytes:
    """A small DOCX whose body inflates to ``inflated_mb`` MB of paragraphs (what stalled the server for 24 s)."""
    paragraph = b"<w:p><w:r><w:t>" + "征求意见".encode() * 50 + b"</w:t></w:r></w:p>"
    count = inflated_mb * 1024 * 1024 // len(paragraph)
    body = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ' + W + b"><w:body>"
    return docx_with(body + paragraph * count + b"</w:body></w:document>")


def docx_entities() -> bytes:
    """Nested entities ("billion laughs") in the document part: lxml failed with XMLSyntaxError (a 500)."""
    lol = b"".join(
        b'<!ENTITY l%d "&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;">' % ((i,) + (i - 1,) * 10)
        for i in range(1, 10)
    )
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY l0 "lol">'
        + lol
        + b"]><w:document "
        + W
        + b"><w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>"
    )
    return docx_with(xml)


def docx_xxe() -> bytes:
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><w:document '
        + W
        + b"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
    )
    return docx_with(xml)


def docx_deep(depth: int = 5000) -> bytes:
    body = b"<w:p>" * depth + b"</w:p>" * depth
    return docx_with(b"<w:document " + W + b"><w:body>" + body + b"</w:body></w:document>")
