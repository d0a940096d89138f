"""The view-models of the explaining panels: inspector, code, matrices, gradient check, and the glossary.

Each function takes the page state and the session and returns what one template prints. The
panels are fetched by the page only while their tab is open (static/js/inspector.js), so none
of this runs on a plain step.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from app import codeview, gradcheck, inspector, matrices
from app import mathml as m
from app import notation as notations
from app.explain import format_number
from app.notation import Notation
from app.sessions import Session
from app.state import PageState
from app.trace import StepTrace

PANELS = ("inspector", "code", "matrices", "gradcheck")


def bound_notation(key: str, session: Session) -> Notation:
    """The notation called ``key``, bound to the session's network (its depth and activations)."""
    return notations.for_network(key, session.trainer.network)


def _trace(state: PageState, session: Session) -> StepTrace:
    return session.trace(state.cursor.step)


def inspector_context(state: PageState, session: Session, selection: str) -> dict:
    """The inspector for the selection at the cursor."""
    trace = _trace(state, session)
    data = session.trainer.data
    n = bound_notation(state.notation, session)
    found = inspector.inspect(trace, state.cursor.phase, selection, n, data.class_names, data.feature_names,
                              session.trainer.network.sizes)
    return {"inspection": found, "notation": n}


def code_context(state: PageState, session: Session, selection: str) -> dict:
    """The source of app/network.py with the cursor's phase and the selection's element marked."""
    trace = _trace(state, session)
    textbook = bound_notation("textbook", session)
    found = inspector.inspect(trace, state.cursor.phase, selection, textbook, sizes=session.trainer.network.sizes)
    panel = codeview.code_panel(trace, state.cursor.phase, bound_notation(state.notation, session), found)
    return {"code": panel, "notation": bound_notation(state.notation, session), "selection": found.selection}


def matrices_context(state: PageState, session: Session, selection: str) -> dict:
    """The current phase as matrices, the selection's row, column or element lit."""
    trace = _trace(state, session)
    n = bound_notation(state.notation, session)
    sel = inspector.parse_selection(selection, session.trainer.network.sizes)
    return {"view": matrices.matrix_view(trace, state.cursor.phase, n), "selection": sel, "notation": n}


def gradcheck_context(state: PageState, session: Session, selection: str = "") -> dict:
    """The step's gradients against finite differences, per layer (cached per config and step)."""
    trace = _trace(state, session)
    n = bound_notation(state.notation, session)
    key = (state.config, state.cursor.step)
    checks = gradcheck.check(trace, session.trainer.network, key)
    return {"checks": checks, "step": state.cursor.step + 1, "notation": n, "threshold": gradcheck.PASS,
            "noise": gradcheck.NOISE,
            "symbol": lambda c, e: _entry_symbol(n, c.layer, e), "passed": all(c.passed for c in checks),
            "fmt": lambda x: format_number(x, 6)}


def _entry_symbol(n: Notation, layer: int, entry: gradcheck.Entry) -> Markup:
    if entry.what == "w":
        return m.math(n.grad_w(layer, *entry.index))
    return m.math(n.grad_b(layer, entry.index[0]))


def panel_context(panel: str, state: PageState, session: Session, selection: str) -> dict:
    """One panel's context, with where it stands ("step:phase") for the page to know what it shows."""
    ctx = CONTEXTS[panel](state, session, selection)
    return {**ctx, "at": f"{state.cursor.step}:{state.cursor.phase}"}


CONTEXTS = {"inspector": inspector_context, "code": code_context, "matrices": matrices_context,
            "gradcheck": gradcheck_context}


# --- the glossary -------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One idea, named in every notation: what it is, and where the page shows it."""

    idea: str
    what: str
    where: str
    symbols: dict  # notation key -> MathML
    words: dict  # notation key -> plain words


def glossary_terms(depth: int = 2) -> list[Term]:
    """Every term in every notation (symbols for a hidden layer l, neuron j, input i)."""
    ns = [notations.get(k).bound(depth, [None] + ["sigmoid"] * depth) for k in notations.NOTATIONS]

    def each(build, words: dict | str = "") -> tuple[dict, dict]:
        symbols = {n.key: m.math(build(n)) for n in ns}
        texts = {n.key: (words.get(n.key, "") if isinstance(words, dict) else words) for n in ns}
        return symbols, texts

    def update(n: Notation) -> Markup:
        return m.row(n.w("l", "j", "i"), m.mo("←"), n.w("l", "j", "i"), m.mo(n.update_sign()), n.eta(),
                     m.dot(), n.grad_w("l", "j", "i"))

    def named(key: str) -> dict:
        return {k: n.words[key] for k, n in notations.NOTATIONS.items()}

    rows = [
        ("input",
         "The sample's features, scaled to mean 0 and spread 1. The input layer computes nothing.",
         ("The numbers in the left column of neurons (the pixels, for an image); the Sample tab lists them "
          "raw and scaled."),
         lambda n: n.a(0, "i"), {"udacity": "x (the input)"}),
        ("weighted sum",
         "What a neuron adds up: each input times its weight, plus the bias.",
         "The small “z …” under a neuron once its forward phase has run; the inspector's first line.",
         lambda n: n.z("l", "j"), named("z")),
        ("activation",
         "The neuron's output: its activation function applied to the weighted sum.",
         "The number inside a neuron after the forward pass.",
         lambda n: n.a("l", "j"), {"udacity": "hidden_output (ŷ, output, at the output layer)"}),
        ("weight",
         "The number on an edge: how strongly a neuron's output feeds the next neuron.",
         "The edges: thickness is its size, blue positive, orange (dashed) negative.",
         lambda n: n.w("l", "j", "i"), "weights[l][j, i], from neuron i to neuron j (Udacity's matrix is the transpose)"),
        ("loss",
         "How wrong the output is for this sample (cross-entropy or squared error).",
         "“loss E” in the Sample tab, from the loss phase on.",
         lambda n: n.loss(), {"3b1b": "the cost C (written without the ½ of squared error)"}),
        ("error",
         "How much the loss changes when the neuron's output a changes: ∂E/∂a. It arrives at a neuron from the right.",
         "“error” in a neuron's tooltip, and the small “e …” under it in the backward pass.",
         lambda n: n.error("l", "j"), named("error_name")),
        ("slope of the activation",
         "The derivative of the activation function at z: how much a moves when z moves.",
         "“f′(z)” in a neuron's tooltip after its backward phase.",
         lambda n: n.f_prime("l", "j"), ""),
        ("error term",
         ("How much the loss changes when the neuron's weighted sum z changes: ∂E/∂z = error × f′(z). "
          "What a neuron sends back along its input edges."),
         "The number inside a neuron during the backward pass (δ …).",
         lambda n: n.term("l", "j"), named("error_term_name")),
        ("gradient",
         ("How much the loss changes when one weight changes: the error term of the neuron it leads to, "
          "times the activation the weight carries."),
         "“gradient” in an edge's tooltip; the Matrices tab in a backward phase.",
         lambda n: n.grad_w("l", "j", "i"), named("gradient_name")),
        ("learning rate",
         "The size of the step each update takes.",
         "“Learning rate η” in the settings.",
         lambda n: n.eta(), {"udacity": "learnrate", "3b1b": "the step size"}),
        ("update",
         "Every weight moves a little against its gradient, downhill on the loss.",
         "The update phases: edges change thickness; the yellow halo shows the change.",
         update, named("update_rule")),
    ]
    terms = []
    for idea, what, where, build, words in rows:
        symbols, texts = each(build, words)
        terms.append(Term(idea, what, where, symbols, texts))
    return terms


@dataclass
class LiveExample:
    """Error against error term for one neuron of the current step, in one notation."""

    notation: Notation
    neuron: str
    lines: list  # inspector Lines: error, f′, error term
    bridge: list


def live_examples(state: PageState, session: Session) -> list[LiveExample]:
    """A hidden neuron's (else the output's) error, f′ and error term, in every notation, from this step."""
    trace = _trace(state, session)
    net = session.trainer.network
    L = net.depth
    layer = L - 1 if L > 1 else L
    j = 0 if layer < L else int(trace.label)
    out = []
    for key in notations.NOTATIONS:
        n = bound_notation(key, session)
        ins = inspector.Inspector(trace, n, session.trainer.data.class_names, session.trainer.data.feature_names)
        lines = [ins.error_line(layer, j), *ins.f_prime_lines(layer, j), ins.term_line(layer, j)]
        bridge = ins.error_bridge(layer, j) + ins.term_bridge(layer, j)
        out.append(LiveExample(n, ins.neuron_name(layer, j), lines, bridge))
    return out


def glossary_context(state: PageState, session: Session) -> dict:
    """The glossary: every term in every notation, and error against error term on the current network."""
    return {
        "state": state,
        "terms": glossary_terms(session.trainer.network.depth),
        "notations": list(notations.NOTATIONS.values()),
        "current": notations.get(state.notation),
        "examples": live_examples(state, session),
        "back": state.url(),
        "step": state.cursor.step + 1,
    }
