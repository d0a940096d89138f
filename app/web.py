"""What the routes share: templates, the session store, and the page's view-model."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

from app import datasets, panels, view
from app import notation as notations
from app.network import HIDDEN_ACTIVATIONS, LOSS_NAMES, OUTPUT_ACTIVATIONS
from app.sessions import Cursor, Session, SessionStore
from app.state import SPEEDS, PageState
from app.stepping import phase_titles

ROOT = Path(__file__).resolve().parent.parent
templates = Jinja2Templates(directory=ROOT / "templates")
store = SessionStore()


def session_for(state: PageState, tab: str | None) -> tuple[Session, PageState]:
    """The tab's session for this state (rebuilt by replay if the server does not hold it)."""
    session = store.for_tab(tab, state.config)
    return session, clamp(state, session)


def clamp(state: PageState, session: Session) -> PageState:
    """The state with its phase within the network's 3L + 1 phases."""
    last = session.phases_per_step - 1
    if state.cursor.phase > last:
        return state.at(Cursor(state.cursor.step, last))
    return state


def settings_context(state: PageState, errors: dict[str, str], raw: dict[str, str] | None = None) -> dict:
    """The settings form: current values (as typed, when invalid), the choices, a message per bad field."""
    c = state.config
    raw = raw or {}
    described = {d["name"]: d for d in datasets.describe()}
    if c.dataset == "uploaded":
        described["uploaded"] = uploaded_description(c)
    current = described.get(c.dataset, {})
    return {
        "config": c,
        "datasets": list(described.values()),
        "has_noise": bool(current.get("has_noise")),
        "noise": c.noise if c.noise is not None else current.get("default_noise"),
        "noise_min": current.get("noise_min", 0), "noise_max": current.get("noise_max", 1),
        "hidden_activations": HIDDEN_ACTIVATIONS,
        "outputs": OUTPUT_ACTIVATIONS,
        "losses": LOSS_NAMES,
        "activation": ",".join(c.activation) if len(set(c.activation)) > 1 else (c.activation or ("sigmoid",))[0],
        "activation_choices": activation_choices(c.activation),
        "layers": raw["hidden"].split(",") if "hidden" in errors and raw.get("hidden") else list(c.hidden),
        "lr": raw.get("lr") if "learning_rate" in errors else f"{c.learning_rate:g}",
        "seed": raw.get("seed") if "seed" in errors else str(c.seed),
        "noise_value": raw.get("noise") if "noise" in errors else None,
        "split": raw.get("split") if "test_fraction" in errors else f"{c.test_fraction:g}",
        "errors": errors,
    }


def activation_choices(activation: tuple[str, ...]) -> list[tuple[str, str]]:
    """(value, label) for the activation menu; one per-layer entry when the layers differ."""
    choices = [(name, name) for name in HIDDEN_ACTIVATIONS]
    if len(set(activation)) > 1:
        choices.append((",".join(activation), "per layer: " + ", ".join(activation)))
    return choices


def context(state: PageState, session: Session, errors: dict[str, str] | None = None) -> dict:
    """Everything the page's templates print, at the state's cursor."""
    words = notations.for_network(state.notation, session.trainer.network)
    net = view.network_view(session, state.cursor, words)
    last = net.phase_layer == session.trainer.network.depth
    text, mirror_text = (notations.phase_text(words, net.phase_kind, net.phase_layer, last)
                         or view.phase_text(net.phase_kind, net.phase_layer, last))
    return {
        "state": state,
        "tab": session.id,
        "url": state.url(),
        "net": net,
        "counter": view.counter(session, state.cursor),
        "sample": view.sample_view(session, state.cursor),
        "phase_text": text,
        "mirror_text": mirror_text,
        "phase_titles": phase_titles(session.trainer.network.depth),
        "speeds": SPEEDS,
        "dataset": session.trainer.data,
        **settings_context(state, errors or {}),
        **panels.due(state, session),
        "notation": words,
        "notations": notations.NOTATIONS.values(),
    }


def uploaded_description(config) -> dict:
    """The settings dropdown's entry for the learner's uploaded CSV."""
    from app import uploads

    try:
        data = uploads.load_csv(config.upload)
    except datasets.DatasetError:
        return {"name": "uploaded", "title": "Your data", "n_samples": 0, "n_features": 0, "n_classes": 0}
    return {"name": "uploaded", "title": data.title, "kind": data.kind, "n_samples": data.n_samples,
            "n_features": data.n_features, "n_classes": data.n_classes, "has_noise": False}
