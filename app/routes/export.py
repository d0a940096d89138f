"""Downloads, each for the state in its query string (the page's URL state): they work after a restart too."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from app import export, panels, trace
from app import state as page_state
from app.web import context, session_for, templates

router = APIRouter(prefix="/export", tags=["export"])


def _download(body: str, filename: str, media_type: str) -> Response:
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _state(request: Request):
    state, _ = page_state.parse(request.query_params)
    return session_for(state, request.query_params.get("tab"))


@router.get("/trace.json")
async def trace_json(request: Request, count: Annotated[int, Query(ge=1, le=500)] = 1) -> Response:
    """The trace of the step on screen, or of the last ``count`` steps up to it (docs/trace-format.md)."""
    def build():
        session, state = _state(request)
        last = state.cursor.step
        traces = [session.trace(s) for s in range(max(0, last - count + 1), last + 1)]
        doc = trace.document(session.config.to_dict(), session.trainer.network.sizes, traces)
        name = f"mirrorprop-trace-step-{last + 1}.json" if count == 1 else f"mirrorprop-trace-steps-{traces[0].step + 1}-{last + 1}.json"
        return _download(json.dumps(doc, indent=1), name, "application/json")

    return await run_in_threadpool(build)


@router.get("/weights.json")
async def weights_json(request: Request) -> Response:
    """The weights as the picture shows them, to import later (or elsewhere)."""
    def build():
        session, state = _state(request)
        at = panels.shown(session, state.cursor)
        doc = export.weights_document(session.config.to_dict(), session.trainer.network.sizes, at.weights_after,
                                      at.weights, at.biases)
        return _download(json.dumps(doc, indent=1), f"mirrorprop-weights-after-{at.weights_after}-steps.json",
                         "application/json")

    return await run_in_threadpool(build)


@router.get("/loss.csv")
async def loss_csv(request: Request) -> Response:
    """Every step's loss up to the cursor, with its sample, class, prediction and running mean."""
    def build():
        session, state = _state(request)
        n = panels.shown(session, state.cursor).losses
        h, data = session.history, session.trainer.data
        rows = h.rows(n)
        body = export.loss_csv(h.losses(n), rows, data.labels[rows], h.predicted(n), session.trainer.epoch_size,
                               data.class_names)
        return _download(body, f"mirrorprop-loss-{n}-steps.csv", "text/csv")

    return await run_in_threadpool(build)


@router.get("/network.svg")
async def network_svg(request: Request) -> Response:
    """The network picture exactly as on screen, as an SVG file."""
    def build():
        session, state = _state(request)
        svg = templates.env.get_template("partials/network.html").render(context(state, session))
        return _download(export.standalone_svg(svg), f"mirrorprop-network-step-{state.cursor.step + 1}.svg",
                         "image/svg+xml")

    return await run_in_threadpool(build)


@router.get("/reproduce.py")
async def reproduce(request: Request) -> Response:
    """A standalone NumPy script that recomputes the step on screen and prints its trace's numbers."""
    def build():
        session, state = _state(request)
        step = state.cursor.step
        step_trace = session.trace(step)
        net = session.trainer.network
        c = session.config
        about = (f"step {step + 1} (epoch {step_trace.epoch + 1}) of {session.trainer.data.title}, "
                 f"layers {' → '.join(map(str, net.sizes))}, seed {c.seed}")
        script = export.numpy_script(step_trace, [None, *(f.name for f in net.activations[1:])], net.loss.name,
                                     c.learning_rate, net.sizes, about)
        return _download(script, f"mirrorprop_step_{step + 1}.py", "text/x-python")

    return await run_in_threadpool(build)
