"""Fast-forward over server-sent events: progress while a worker thread trains, then the page where it stopped."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from fastapi.sse import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from app import actions, fastforward, panels
from app import state as page_state
from app.sessions import Cursor
from app.web import context, session_for, templates

router = APIRouter(include_in_schema=False)

PROGRESS_SECONDS = 0.25  # between progress messages


@router.get("/ui/fastforward", response_class=EventSourceResponse)
async def fast_forward(
    request: Request,
    tab: str = "",
    epochs: Annotated[int, Query(ge=1, le=fastforward.MAX_EPOCHS)] = 5,
    target: Annotated[float | None, Query(gt=0, le=100)] = None,
):
    """Train ``epochs`` epochs (or until the accuracy reaches ``target`` %), streaming progress; cancel
    with POST /ui/fastforward/cancel or by closing the stream. The last message is the page at the stop."""
    state, _ = page_state.parse(request.query_params)
    session, state = await run_in_threadpool(session_for, state, tab)
    start = actions.boundary(state.cursor.step, state.cursor.phase)
    job = fastforward.Job(session, start, epochs, None if target is None else target / 100)
    running = fastforward.start(job)
    update = templates.env.get_template("partials/update.html")
    bar = templates.env.get_template("partials/ff_progress.html")

    def progress() -> str:
        html = _partial("#ff-progress", bar.render(ff=fastforward.progress_view(job)))  # only partials: #network stays
        snap = job.snapshot
        if snap is None:
            return html
        if state.panel == "charts":
            view = panels.progress_charts(session, state, snap.steps, snap.weights, snap.biases)
            html += _partial("#charts", templates.env.get_template("partials/charts.html").render(charts=view))
        elif state.panel == "learned":
            view = panels.learned_view(session, state, snap.weights, snap.biases, None)
            html += _partial("#learned", templates.env.get_template("partials/learned.html").render(learned=view))
        return html

    def landed() -> str:
        where = state.at(Cursor(min(job.steps_done, page_state.MAX_STEP), -1))
        current_session, where = session_for(where, session.id)
        current_session.sent.clear()  # the progress messages drew the panels: draw them again, at the stop
        ctx = context(where, current_session)
        html = update.render({**ctx, "with_settings": False})
        return html + _partial("#ff-progress", bar.render(ff=fastforward.progress_view(job, finished=True)))

    try:
        while not running.done():
            await asyncio.wait([running], timeout=PROGRESS_SECONDS)
            if not running.done():
                yield ServerSentEvent(raw_data=await run_in_threadpool(progress))
        running.result()  # a failure in the worker surfaces here
        yield ServerSentEvent(raw_data=await run_in_threadpool(landed))
        yield ServerSentEvent(event="done", raw_data=str(job.steps_done))
    except asyncio.CancelledError:  # the page went away: stop training
        job.cancel()
        raise
    finally:
        fastforward.forget(job)


def _partial(target: str, html: str) -> str:
    return f'<hx-partial hx-target="{target}" hx-swap="outerHTML">{html}</hx-partial>'


@router.post("/ui/fastforward/cancel")
async def cancel(request: Request) -> Response:
    """Stop the tab's fast-forward at the current step; its stream then sends the page where it stopped."""
    form = await request.form()
    fastforward.cancel(str(form.get("tab", "")))
    return Response(status_code=204)
