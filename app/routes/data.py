"""What a learner does to the run: choose the next sample, upload a CSV, edit a weight, import weights.

Each is recorded in the config (app/actions.py), so the URL that comes back replays it.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.formparsers import MultiPartException

from app import actions, datasets, network, panels, uploads
from app import state as page_state
from app.config import ConfigError, validate
from app.routes.panels import update
from app.sessions import Cursor
from app.training import check_actions
from app.web import session_for, templates

router = APIRouter(include_in_schema=False)

MAX_UPLOAD_REQUEST = 2 * datasets.MAX_CSV_BYTES  # the whole multipart body, checked before reading it


def _at_boundary(state: page_state.PageState, config) -> page_state.PageState:
    """The state with a new config, at the step boundary where its new action applies (sample ready)."""
    step = actions.boundary(state.cursor.step, state.cursor.phase)
    return replace(state, config=config).at(Cursor(step, -1))


def _message(request: Request, target: str, message: str) -> HTMLResponse:
    """A message into one element, as a 200 (a 4xx would log a console error in the browser)."""
    return templates.TemplateResponse(request, "partials/message.html", {"message": message},
                                      headers={"HX-Retarget": target, "HX-Reswap": "innerHTML"})


@router.post("/ui/pick", response_class=HTMLResponse)
async def pick(request: Request):
    """Train on this dataset row in the next step (the seeded order goes on afterwards)."""
    form = await request.form()
    state, _ = page_state.parse(form)
    try:
        row = int(str(form.get("row", "")))
    except ValueError:
        return Response(status_code=204)

    def build():
        session, current = session_for(state, form.get("tab"))
        step = actions.boundary(current.cursor.step, current.cursor.phase)
        config = actions.record(current.config, actions.Pick(step, row))
        if check_actions(config):  # a held-out or unknown row: nothing to do
            return Response(status_code=204)
        return update(request, _at_boundary(current, config), session.id)

    return await run_in_threadpool(build)


@router.post("/ui/upload", response_class=HTMLResponse)
async def upload(request: Request):
    """A CSV of the learner's own: checked (errors name the row and column), stored, trained on from step 0."""
    if (length := int(request.headers.get("content-length") or 0)) > MAX_UPLOAD_REQUEST:  # not even read
        return _message(request, "#upload-errors", f"The file is too large (the upload is {length:,} bytes): the limit "
                                                   f"is {datasets.MAX_CSV_BYTES // 1_000_000} MB ({datasets.MAX_CSV_BYTES:,} bytes).")
    try:
        form = await request.form(max_files=1, max_fields=60)
    except MultiPartException as e:
        return _message(request, "#upload-errors", f"The upload could not be read: {e.message}")
    upload_file = form.get("file")
    if upload_file is None or isinstance(upload_file, str) or not upload_file.filename:
        return _message(request, "#upload-errors", "Choose a CSV file first.")
    data = await upload_file.read(datasets.MAX_CSV_BYTES + 1)  # one byte over the limit: enough to tell
    try:
        uploads.check_csv_size(upload_file.size, len(data))  # the file arrived whole: its size is its real size
    except datasets.DatasetError as e:
        return _message(request, "#upload-errors", str(e))
    fields = {k: str(v) for k, v in form.items() if k not in ("file", "label_column")}
    fields.update(dataset="uploaded", step="0", phase="-1")
    for key in ("noise", "pick", "edit", "load", "upload"):
        fields.pop(key, None)

    def build():
        try:
            key, _ = uploads.store_csv(data, upload_file.filename, str(form.get("label_column") or ""))
        except datasets.DatasetError as e:
            return _message(request, "#upload-errors", str(e))
        state, errors = page_state.parse({**fields, "upload": key})
        if errors:
            return _message(request, "#upload-errors", "; ".join(errors.values()))
        return update(request, state, str(form.get("tab", "")), settings=True)

    return await run_in_threadpool(build)


def _edit_target(form) -> tuple[int, int, int | None]:
    """(layer, to, source) from the edit form: 1-based neurons as people count; source None for a bias."""
    def number(key: str, default: int) -> int:
        try:
            return int(float(str(form.get(key, default))))
        except ValueError:
            return default

    source = None if form.get("kind") == "bias" else number("from", 1)
    return number("layer", 1), number("to", 1), source


@router.post("/ui/edit/target", response_class=HTMLResponse)
async def edit_target(request: Request):
    """The edit form's target (clamped to the network) with its current value."""
    form = await request.form()
    state, _ = page_state.parse(form)

    def build():
        session, current = session_for(state, form.get("tab"))
        target = panels.edit_target(session, current.cursor, *_edit_target(form))
        return {"export_panel": panels.export_view(session, current, target)}

    return templates.TemplateResponse(request, "partials/edit_target.html", await run_in_threadpool(build))


@router.post("/ui/edit", response_class=HTMLResponse)
async def edit(request: Request):
    """Set one weight or bias by hand, from the next step on; say how this step's loss changes."""
    form = await request.form()
    state, _ = page_state.parse(form)
    layer, to, source = _edit_target(form)
    raw = str(form.get("value", "")).strip().replace("−", "-")
    try:
        value = float(raw)
    except ValueError:
        return _message(request, "#edit-result", f"{raw!r} is not a number: type e.g. 0.5 or -1.2e-3.")
    if not (math.isfinite(value) and abs(value) <= actions.MAX_VALUE):
        return _message(request, "#edit-result", f"Type a finite number between -{actions.MAX_VALUE:g} and {actions.MAX_VALUE:g}.")

    def build():
        session, current = session_for(state, form.get("tab"))
        step = actions.boundary(current.cursor.step, current.cursor.phase)
        sizes = session.trainer.network.sizes
        if not (1 <= layer < len(sizes) and 1 <= to <= sizes[layer] and (source is None or 1 <= source <= sizes[layer - 1])):
            return _message(request, "#edit-result", "This network has no such weight: check the layer and neurons.")
        before = session.trace(step)
        edited = panels.edit_target(session, current.cursor, layer, to, source)  # what the form showed
        change = actions.Edit(step, layer, to - 1, None if source is None else source - 1, value)
        landed = _at_boundary(current, actions.record(current.config, change))
        session, landed = session_for(landed, session.id)
        after = session.trace(step)
        target = panels.edit_target(session, landed.cursor, layer, to, source)
        message = panels.edit_message(edited, value, after.sample, before.loss, after.loss)
        return update(request, landed, session.id, export_panel=panels.export_view(session, landed, target, message))

    return await run_in_threadpool(build)


@router.post("/ui/import-weights", response_class=HTMLResponse)
async def import_weights(request: Request):
    """Weights exported before (JSON): checked against this network's sizes, stored, used from the next step."""
    if int(request.headers.get("content-length") or 0) > uploads.MAX_WEIGHTS_BYTES:
        return _message(request, "#import-errors", "The file is too large for a weights file.")
    try:
        form = await request.form(max_files=1, max_fields=60)
    except MultiPartException as e:
        return _message(request, "#import-errors", f"The upload could not be read: {e.message}")
    upload_file = form.get("file")
    if upload_file is None or isinstance(upload_file, str) or not upload_file.filename:
        return _message(request, "#import-errors", "Choose a weights file (JSON) first.")
    raw = await upload_file.read(uploads.MAX_WEIGHTS_BYTES + 1)
    state, _ = page_state.parse(form)

    def build():
        session, current = session_for(state, form.get("tab"))
        try:
            weights, biases = read_weights(raw, session.trainer.network)
        except ValueError as e:
            return _message(request, "#import-errors", str(e))
        key = uploads.store_weights(weights, biases)
        step = actions.boundary(current.cursor.step, current.cursor.phase)
        landed = _at_boundary(current, actions.record(current.config, actions.Load(step, key)))
        try:
            validate(landed.config)
        except ConfigError as e:
            return _message(request, "#import-errors", "; ".join(e.errors.values()))
        session, landed = session_for(landed, session.id)
        message = f"Imported {upload_file.filename}: every weight and bias from step {step + 1} on."
        return update(request, landed, session.id,
                      export_panel=panels.export_view(session, landed, None, message))

    return await run_in_threadpool(build)


def read_weights(raw: bytes, net: network.Network) -> tuple[list, list]:
    """Weights and biases (layers 1..L) from a weights document; ValueError saying what does not fit."""
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        where = f" (line {e.lineno}, column {e.colno})" if isinstance(e, json.JSONDecodeError) else ""
        raise ValueError(f"The file is not valid JSON{where}.") from None
    if not isinstance(doc, dict) or "weights" not in doc or "biases" not in doc:
        raise ValueError('A weights file is a JSON object with "weights" and "biases" (export one to see).')
    sizes = net.sizes
    if "sizes" in doc and list(doc["sizes"]) != sizes:
        raise ValueError(f"These weights are for a network of sizes {' → '.join(map(str, doc['sizes']))}; "
                         f"this one is {' → '.join(map(str, sizes))}.")
    try:
        checked = network.create(sizes, [f.name for f in net.activations[1:-1]], net.activations[-1].name,
                                 "squared_error", weights=doc["weights"], biases=doc["biases"])
    except ValueError as e:
        raise ValueError(f"The weights do not fit this network: {e}.") from None
    return checked.weights[1:], checked.biases[1:]
