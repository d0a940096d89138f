"""The JSON API: create a session, step it, read its trace. The same data the page shows."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from app import datasets, stepping, trace
from app.config import ConfigError, from_dict
from app.sessions import Session
from app.web import store

router = APIRouter(prefix="/api", tags=["api"])


class SessionConfig(BaseModel):
    """A network and its data. Omitted fields take the page's defaults."""

    dataset: str = Field("iris", examples=["iris"], description="one of " + ", ".join(datasets.NAMES))
    hidden: list[int] = Field([8], description="neurons per hidden layer, 0 to 6 layers of 1 to 32")
    activation: str | list[str] = Field("sigmoid", description="one hidden activation, or one per layer")
    output: str = Field("softmax", description="sigmoid, softmax or identity")
    loss: str = Field("cross_entropy", description="squared_error or cross_entropy")
    learning_rate: float = Field(0.1, description="η, above 0")
    seed: int = Field(1, description="seeds the initial weights, the split and the sample order")
    noise: float | None = Field(None, description="noise of a generated dataset")
    test_fraction: float = Field(0.2, description="held-out share, 0 to 0.5")


class Move(BaseModel):
    grain: Literal["phase", "sample", "epoch", "back", "reset"] = "phase"


def _session(session_id: str) -> Session:
    session = store.get(session_id)
    if session is None:
        raise HTTPException(404, f"no session {session_id!r}: create one with POST /api/sessions")
    return session


def _describe(session: Session) -> dict:
    c = session.cursor
    pos = session.trainer.position(c.step)
    titles = stepping.phase_titles(session.trainer.network.depth)
    return {
        "id": session.id,
        "config": session.config.to_dict(),
        "sizes": session.trainer.network.sizes,
        "class_names": list(session.trainer.data.class_names),
        "epoch_size": session.trainer.epoch_size,
        "phases_per_step": session.phases_per_step,
        "cursor": {
            "step": c.step, "phase": c.phase, "epoch": pos.epoch, "index_in_epoch": pos.index_in_epoch,
            "phase_title": "ready" if c.phase < 0 else titles[c.phase],
        },
    }


@router.get("/datasets")
def list_datasets() -> list[dict]:
    """The datasets: name, size, classes, and their noise setting."""
    return datasets.describe()


@router.post("/sessions", status_code=201)
async def create_session(config: SessionConfig | None = None) -> dict:
    """A new session at step 0, ready on its first sample."""
    try:
        cfg = from_dict((config or SessionConfig()).model_dump(exclude_none=True))
    except ConfigError as e:
        raise HTTPException(422, {"message": "invalid settings", "errors": e.errors}) from None
    session = await run_in_threadpool(store.create, cfg)
    return _describe(session)


@router.get("/sessions/{session_id}")
def read_session(session_id: str) -> dict:
    """The session's config, shape and cursor."""
    return _describe(_session(session_id))


@router.post("/sessions/{session_id}/step")
async def step_session(session_id: str, move: Move | None = None) -> dict:
    """Move the cursor (next phase, sample, epoch, back or reset); returns the phase now shown and its step's trace."""
    session = _session(session_id)
    grain = (move or Move()).grain

    def run():
        with session.lock:
            session.cursor = stepping.move(session.cursor, grain, session.phases_per_step, session.trainer.epoch_size)
            step_trace = session.trace(session.cursor.step)
            current = step_trace.phases[session.cursor.phase].to_dict() if session.cursor.phase >= 0 else None
            return {**_describe(session), "phase": current, "trace": step_trace.to_dict()}

    return await run_in_threadpool(run)


@router.get("/sessions/{session_id}/trace")
async def read_trace(
    session_id: str,
    step: Annotated[int | None, Query(ge=0, le=1_000_000, description="first step (0-based); default: the cursor's")] = None,
    count: Annotated[int, Query(ge=1, le=100, description="how many steps (at most 100 per request)")] = 1,
) -> dict:
    """The trace of ``count`` steps from ``step``, in the documented format (docs/trace-format.md)."""
    session = _session(session_id)
    first = session.cursor.step if step is None else step

    def run():
        traces = [session.trace(s) for s in range(first, first + count)]
        return trace.document(session.config.to_dict(), session.trainer.network.sizes, traces)

    return await run_in_threadpool(run)
