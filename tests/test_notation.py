"""One vocabulary bridge: the page's labels in each notation, Udacity's sign flip, the notation in the URL."""

import numpy as np
import pytest

from app import notation, state, view
from app.config import from_query
from app.sessions import Cursor, Session

QUERY = {"dataset": "iris", "hidden": "5", "seed": "1"}
BACKWARD_1 = Cursor(0, 4)  # 4-5-3: forward 1, forward 2, loss, backward 2, backward 1


@pytest.fixture(scope="module")
def session():
    return Session("t", from_query(QUERY))


def node(net, key):
    return next(n for n in net.nodes if n.id == f"node-{key}")


def info(n) -> dict:
    return dict(n.info)


def test_textbook_labels_are_the_pages_own(session):
    net = view.network_view(session, BACKWARD_1)
    assert view.network_view(session, BACKWARD_1, notation.get("textbook")).nodes == net.nodes
    hidden = info(node(net, "1-0"))
    assert set(hidden) == {"z (weighted sum)", "a = f(z)", "error ∂E/∂a", "f′(z)", "error term δ = ∂E/∂z"}
    assert [t.title for t in net.titles] == ["input a⁰", "hidden a¹", "output a²"]


def test_each_notation_relabels_neurons_edges_and_layers(session):
    trace = session.trace(0)
    delta = trace.phases[4].values["error_term"][0]
    error = trace.phases[4].values["error"][0]
    labels = {}
    for key in notation.NOTATIONS:
        words = notation.for_network(key, session.trainer.network)
        net = view.network_view(session, BACKWARD_1, words)
        labels[key] = (node(net, "1-0").label, tuple(info(node(net, "1-0"))), tuple(t.title for t in net.titles))
    assert len({v for v in labels.values()}) == 3  # every notation reads differently

    udacity = view.network_view(session, BACKWARD_1, notation.get("udacity").bound(2, [None, "sigmoid", "softmax"]))
    hidden = info(node(udacity, "1-0"))
    # Udacity's error and error term are the textbook's with the sign flipped, and say so
    assert hidden["error = y − ŷ (= −∂E/∂a)"] == view.fmt(-error)
    assert hidden["error_term δ = error · f′(h) (the textbook's −δ)"] == view.fmt(-delta)
    assert [t.title for t in udacity.titles] == ["input x", "hidden_output a¹", "output ŷ"]
    assert node(udacity, "1-0").label.endswith(f"error_term {view.fmt(-delta)}")

    three = view.network_view(session, BACKWARD_1, notation.get("3b1b"))
    assert info(node(three, "1-0"))["∂C/∂z = σ′(z) · ∂C/∂a"] == view.fmt(delta)
    assert [t.title for t in three.titles] == ["input a⁽⁰⁾", "hidden a⁽¹⁾", "output a⁽²⁾"]


def test_edge_tooltips_follow_the_notation(session):
    cursor = Cursor(0, 5)  # update, layer 1: weight, gradient and change are all known
    grad = session.trace(0).phases[5].values["grad_weights"][2, 1]
    udacity = view.network_view(session, cursor, notation.get("udacity"))
    edge = dict(next(e for e in udacity.edges if e.id == "edge-1-2-1").info)
    assert edge["del_w = error_term · x (= −∂E/∂w)"] == view.fmt(-grad)
    assert "change Δw = η · del_w" in edge


def test_the_notation_lives_in_the_url():
    parsed, errors = state.parse({**QUERY, "notation": "udacity"})
    assert not errors and parsed.notation == "udacity"
    assert "notation=udacity" in parsed.url()
    assert "notation" not in state.parse(QUERY)[0].url()  # the textbook is the default, left out
    bad, errors = state.parse({**QUERY, "notation": "klingon"})
    assert bad.notation == "textbook" and "notation" in errors


def test_phase_sentences_in_each_notation():
    assert notation.phase_text(notation.get("textbook"), "backward", 1, False) is None  # the page's own
    text, mirror = notation.phase_text(notation.get("udacity"), "backward", 1, False)
    assert "error_term = error · f′(h)" in text and "error_terms of layer 2" in mirror
    text, mirror = notation.phase_text(notation.get("3b1b"), "update", 2, False)
    assert "nudge" in text and "−η ∂C/∂w" in mirror


def test_sentences_translate_into_each_notation():
    rule = "δ = ∂E/∂a · f′(z), the mirror of a = f(z)"
    assert notation.get("textbook").say(rule) == rule
    assert notation.get("udacity").say(rule) == "error_term = error · f′(h), the mirror of output = f(h)"
    assert notation.get("3b1b").say(rule) == "∂C/∂z = ∂C/∂a · f′(z), the mirror of a = f(z)"


def test_udacity_signs_give_the_same_update():
    # w + η·del_w with del_w = −∂E/∂w is the textbook's w − η·∂E/∂w, to the last bit
    w, eta, grad = 0.4, 0.5, np.float64(0.082167041)
    assert w + eta * (-grad) == w - eta * grad
