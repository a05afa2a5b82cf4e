"""The floor a public-comment request cannot go below: the same framework and server, the same JSON body
validated, no database. ``benchmarks.public_comments`` serves it with uvicorn beside ``consultflow serve``."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Body(BaseModel):
    kind: str
    text: str
    target: str = ""


@app.post("/comments", status_code=201)
def comment(body: Body) -> dict[str, str]:
    return {"receipt": "GK-0000-0000-0000", "kind": body.kind}
