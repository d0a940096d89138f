"""The page and the fragments htmx asks for: parse the form, move the cursor, render."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from app import datasets, stepping
from app import state as page_state
from app.sessions import Cursor
from app.web import context, session_for, settings_context, templates

router = APIRouter(include_in_schema=False)


def render_update(request: Request, state: page_state.PageState, tab: str | None, settings: bool = False):
    """The fragments of one update: the network, counter, panels and state (and the settings form)."""
    session, state = session_for(state, tab)
    ctx = context(state, session)
    ctx["with_settings"] = settings
    response = templates.TemplateResponse(request, "partials/update.html", ctx)
    response.headers["HX-Replace-Url"] = state.url()
    return response


@router.get("/", response_class=HTMLResponse)
async def index(request: Request):
    """The whole page, at the state in the URL (a fresh session for each tab)."""
    state, errors = page_state.parse(request.query_params)

    def build():
        session, clamped = session_for(state, None)
        return context(clamped, session, errors)

    return templates.TemplateResponse(request, "page.html", await run_in_threadpool(build))


@router.post("/ui/move", response_class=HTMLResponse)
async def move(request: Request):
    """Step: next phase, next sample, next epoch, back, or reset."""
    form = await request.form()
    state, _ = page_state.parse(form)
    grain = str(form.get("grain", "phase"))
    if grain not in stepping.GRAINS:
        return HTMLResponse(f"unknown move {grain!r}", status_code=400)

    def build():
        session, current = session_for(state, form.get("tab"))
        cursor = stepping.move(current.cursor, grain, session.phases_per_step, session.trainer.epoch_size)
        return render_update(request, current.at(cursor), session.id)

    return await run_in_threadpool(build)


@router.post("/ui/settings", response_class=HTMLResponse)
async def settings(request: Request):
    """A settings change: a new network in the new shape at step 0, or the form with its messages."""
    raw = await request.form()
    form = {k: str(v) for k, v in raw.items()}
    form["hidden"] = edited_layers(raw.getlist("layer"), form.get("layer_action", ""))
    form["activation"] = per_layer(form.get("activation", "sigmoid"), form["hidden"])
    if form.get("dataset") != form.get("prev_dataset") or form.get("dataset") not in datasets.NOISE:
        form.pop("noise", None)  # a new dataset starts at its own noise (or has none)
    if form.get("new_network"):
        form["seed"] = str(secrets.randbelow(100_000))
    form["step"], form["phase"] = "0", "-1"
    state, errors = page_state.parse(form)
    if any(str(n).strip() in ("", "0") for n in raw.getlist("layer")):
        errors["hidden"] = "each hidden layer needs 1 to 32 neurons (remove a layer with its ✕)"
    if errors:
        ctx = {**settings_context(page_state.PageState(state.config), errors, form), "state": state}
        return templates.TemplateResponse(request, "partials/settings.html", ctx,
                                          headers={"HX-Retarget": "#settings", "HX-Reswap": "outerHTML"})

    def build():
        return render_update(request, state.at(Cursor()), str(form.get("tab", "")), settings=True)

    return await run_in_threadpool(build)


def edited_layers(layers: list, action: str) -> str:
    """The hidden sizes after an add or remove button ("add", "remove-2"), as "8,4" ("0": none)."""
    sizes = [str(n).strip() for n in layers]
    if action == "add":
        sizes.append(sizes[-1] if sizes else "4")
    elif action.startswith("remove-") and action[7:].isdigit() and int(action[7:]) < len(sizes):
        del sizes[int(action[7:])]
    return ",".join(sizes) if sizes else "0"


def per_layer(activation: str, hidden: str) -> str:
    """A per-layer activation list stretched or cut to the number of hidden layers."""
    names = [a for a in activation.split(",") if a]
    count = len([n for n in hidden.split(",") if n and n != "0"])
    if len(names) <= 1 or count == 0:
        return names[0] if names else "sigmoid"
    return ",".join((names + names[-1:] * count)[:count])
