"""Play: the phases of training streamed as server-sent events, paced by the speed control."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.sse import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from app import state as page_state
from app import stepping
from app.web import context, session_for, templates

router = APIRouter(include_in_schema=False)

MAX_PHASES = 20_000  # one stream ends by itself after this many phases


@router.get("/ui/play", response_class=EventSourceResponse)
async def play(request: Request, tab: str = ""):
    """One event per phase: the network, counter, panels and state, as the page's own fragments.

    The client pauses by dropping the connection; a diverged network ends the stream.
    """
    state, _ = page_state.parse(request.query_params)
    template = templates.env.get_template("partials/update.html")

    def advance(current: page_state.PageState):
        session, current = session_for(current, tab)
        cursor = stepping.next_phase(current.cursor, session.phases_per_step)
        following = current.at(cursor)
        ctx = context(following, session)
        return following, template.render({**ctx, "with_settings": False}), ctx["net"].diverged

    for _ in range(MAX_PHASES):
        await asyncio.sleep(state.speed / 1000)
        if await request.is_disconnected():
            return
        state, html, diverged = await run_in_threadpool(advance, state)
        yield ServerSentEvent(raw_data=html)
        if diverged:
            break
    yield ServerSentEvent(event="done", raw_data="paused")
