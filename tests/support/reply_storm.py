"""A reply storm from another process: ``python -m tests.support.reply_storm URL TOKENS OUT``.

Each token (a unit's reply link) sends ``--per-token`` replies, each with one comment whose text is a
unique nonce, from a pool of threads. Every answer is appended to OUT as one JSON line as soon as it
arrives (flushed), so what the server acknowledged is on disk even if the server is killed mid-stream.
"""

from __future__ import annotations

import argparse
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("tokens", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--per-token", type=int, default=8)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args()
    tokens: list[str] = json.loads(args.tokens.read_text())
    lock = threading.Lock()
    out = args.out.open("a", encoding="utf-8")
    client = httpx.Client(base_url=args.url, timeout=10)

    def send(unit: int, n: int) -> None:
        token = tokens[unit]
        nonce = f"意见-单位{unit}-第{n}次"
        body = {"comments": [{"target": "序号4", "text": nonce, "basis": "", "reason": ""}]}
        try:
            response = client.post(f"/api/v1/links/{token}/replies", json=body)
            record = {"nonce": nonce, "unit": unit, "status": response.status_code}
            if response.status_code == 201:
                record |= response.json()
            else:
                record["body"] = response.text[:300]
        except httpx.HTTPError as exc:
            record = {"nonce": nonce, "unit": unit, "status": 0, "error": type(exc).__name__}
        with lock:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()

    jobs = [(unit, n) for n in range(args.per_token) for unit in range(len(tokens))]
    with ThreadPoolExecutor(args.threads) as pool:
        list(pool.map(lambda job: send(*job), jobs))
    out.close()


if __name__ == "__main__":
    main()
