"""Posting JSON over HTTP(S) and classifying the answer, shared by the webhook-style channels."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from notifications.message import DeliveryResult


def post_json(
    url: str, body: bytes, headers: Mapping[str, str], timeout: float, check_errcode: bool = False
) -> DeliveryResult:
    try:
        response = httpx.post(
            url, content=body, headers={"Content-Type": "application/json; charset=utf-8", **headers}, timeout=timeout
        )
    except httpx.HTTPError as exc:
        return DeliveryResult(False, False, f"{type(exc).__name__}: {exc}")
    detail = f"HTTP {response.status_code} {response.text[:300]}"
    if response.status_code >= 400:
        permanent = 400 <= response.status_code < 500 and response.status_code not in (408, 429)
        return DeliveryResult(False, permanent, detail)
    if check_errcode:
        try:
            answer: Any = response.json()
        except ValueError:
            return DeliveryResult(False, False, detail)
        if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
            return DeliveryResult(False, True, detail)
    return DeliveryResult(True, False, detail)


def dumps(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
