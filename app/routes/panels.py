"""The side panels of learning over time: fetched when their tab opens, or a page of the data table."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from app import panels
from app import state as page_state
from app.web import context, session_for, templates

router = APIRouter(include_in_schema=False)


def update(request: Request, state: page_state.PageState, tab: str | None, settings: bool = False, **extra):
    """The fragments of one update (as pages.render_update), with extra context such as a panel's message."""
    session, state = session_for(state, tab)
    ctx = context(state, session)
    ctx.update(with_settings=settings, **extra)
    response = templates.TemplateResponse(request, "partials/update.html", ctx)
    response.headers["HX-Replace-Url"] = state.url()
    return response


@router.post("/ui/panel/{name}", response_class=HTMLResponse)
async def panel(request: Request, name: str, page: int | None = None):
    """One side panel at the state's cursor: #charts, #learned, #data (a page of it) or #export."""
    if name not in panels.PANELS:
        raise HTTPException(404, f"no panel {name!r}")
    form = await request.form()
    state, _ = page_state.parse(form)

    def build():
        session, current = session_for(state, form.get("tab"))
        return panels.render(name, current, session, page)

    ctx = await run_in_threadpool(build)
    return templates.TemplateResponse(request, f"partials/{name}.html", ctx)
