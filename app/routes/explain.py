"""The explaining panels (fetched while their tab is open), the page at a given state, and the glossary."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from app import explain_view
from app import state as page_state
from app.routes.pages import render_update
from app.web import session_for, templates

router = APIRouter(include_in_schema=False)


@router.get("/ui/explain/{panel}", response_class=HTMLResponse)
async def panel(request: Request, panel: str):
    """One panel (inspector, code, matrices, gradcheck) at the state in the query, for the selection ``sel``."""
    if panel not in explain_view.PANELS:
        raise HTTPException(404, f"no panel {panel!r}")
    state, _ = page_state.parse(request.query_params)
    params = request.query_params

    def build():
        session, current = session_for(state, params.get("tab"))
        return explain_view.panel_context(panel, current, session, params.get("sel", ""))

    return templates.TemplateResponse(request, f"partials/{panel}.html", await run_in_threadpool(build))


@router.post("/ui/show", response_class=HTMLResponse)
async def show(request: Request):
    """The page's fragments at the posted state, unmoved: after a notation change, or a jump of the tour."""
    form = await request.form()
    state, _ = page_state.parse(form)
    return await run_in_threadpool(render_update, request, state, form.get("tab"))


@router.get("/glossary", response_class=HTMLResponse)
async def glossary(request: Request):
    """Every term in every notation; error against error term on the network of the URL's state."""
    state, _ = page_state.parse(request.query_params)

    def build():
        session, current = session_for(state, request.query_params.get("tab"))
        return explain_view.glossary_context(current, session)

    return templates.TemplateResponse(request, "glossary.html", await run_in_threadpool(build))
