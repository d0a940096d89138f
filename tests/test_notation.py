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
    # Udacity's hidden_error and hidden_error_term are the textbook's with the sign flipped, and say so
    assert hidden["hidden_error = −∂E/∂a (Σ w · error_term)"] == view.fmt(-error)
    assert hidden["hidden_error_term δ = hidden_error · σ′(h) (the textbook's −δ)"] == view.fmt(-delta)
    assert [t.title for t in udacity.titles] == ["input x", "hidden_output a¹", "output ŷ"]
    assert node(udacity, "1-0").label.endswith(f"hidden_error_term {view.fmt(-delta)}")

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
    assert "hidden_error_term = hidden_error · f′(h)" in text and "error_terms of layer 2" in mirror
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


# --- Udacity's error is −∂E/∂ŷ: y − ŷ for squared error only ------------------------------


def labels_at(session, cursor, key):
    """Each neuron's tooltip (label → value shown) in the notation bound to the session's network."""
    words = notation.for_network(key, session.trainer.network)
    return {n.id: info(n) for n in view.network_view(session, cursor, words).nodes}


def test_udacity_error_for_cross_entropy_is_not_y_minus_y_hat():
    # the default iris network: sigmoid hidden layer, softmax output, cross-entropy
    session = Session("ce", from_query({"dataset": "iris", "seed": "1"}))
    v = session.trace(0).phases[3].values  # backward, layer 2
    t, o = session.trace(0).phases[2].values["target"], session.trace(0).phases[2].values["output"]
    k = int(np.argmax(t))
    shown = labels_at(session, Cursor(0, 4), "udacity")
    out = shown[f"node-2-{k}"]
    # the error shown is the trace's −∂E/∂ŷ = y/ŷ, and the label says so: not y − ŷ
    assert out["error = −∂E/∂ŷ = y / ŷ (cross-entropy: not y − ŷ)"] == view.fmt(-v["error"][k]) == view.fmt(1 / o[k])
    # the output error term is y − ŷ, the textbook's δ with the sign flipped
    term = out["output_error_term δ = y − ŷ (cross-entropy: the textbook's −δ)"]
    assert term == view.fmt(-v["error_term"][k]) == view.fmt(t[k] - o[k])
    # hidden neurons carry hidden_error and hidden_error_term, never y − ŷ
    hidden = shown["node-1-0"]
    assert "hidden_error = −∂E/∂a (Σ w · error_term)" in hidden
    assert not any("y − ŷ" in label for label in hidden)

    words = notation.for_network("udacity", session.trainer.network)
    assert words.titles(2, 2, 3, "softmax")[2] == "error = −∂E/∂ŷ"  # the mirror view's output column
    loss_text, _ = notation.phase_text(words, "loss", None, False)
    assert "y / ŷ, not y − ŷ" in loss_text and "output_error_term = y − ŷ" in loss_text
    _, mirror = notation.phase_text(words, "backward", 2, True)
    assert "y / ŷ" in mirror and "which cross-entropy makes y − ŷ" in mirror
    assert "y / ŷ" in words.gloss_for("error") and "output_error_term = y − ŷ" in words.gloss_for("error_term")
    assert "½" not in words.gloss_for("loss")  # cross-entropy's loss, not squared error's


def test_udacity_error_for_squared_error_is_y_minus_y_hat():
    session = Session("se", from_query({"dataset": "xor", "hidden": "4", "activation": "tanh", "output": "sigmoid",
                                        "loss": "squared_error", "seed": "1"}))
    loss = session.trace(0).phases[2].values
    shown = labels_at(session, Cursor(0, 3), "udacity")["node-2-0"]
    assert shown["error = y − ŷ (= −∂E/∂ŷ)"] == view.fmt(loss["target"][0] - loss["output"][0])
    assert "output_error_term δ = error · σ′(h) (the textbook's −δ)" in shown
    words = notation.for_network("udacity", session.trainer.network)
    assert words.titles(2, 2, 1, "sigmoid")[2] == "error = y − ŷ"
    assert "Udacity's error, y − ŷ" in notation.phase_text(words, "loss", None, False)[0]
    assert "tanh′(h)" in notation.phase_text(words, "backward", 1, False)[0]


# --- each activation named, per layer, in every notation ----------------------------------


def test_each_layer_names_its_own_activation():
    session = Session("relu", from_query({"dataset": "iris", "hidden": "5", "activation": "relu", "seed": "1"}))
    three = labels_at(session, BACKWARD_1, "3b1b")
    assert {"a = ReLU(z)", "ReLU′(z)", "∂C/∂z = ReLU′(z) · ∂C/∂a"} <= set(three["node-1-0"])
    assert not any("σ" in label for label in three["node-1-0"])
    assert "a = softmax(z)" in three["node-2-0"]
    assert "softmax′(z), the diagonal of its Jacobian" in three["node-2-0"]
    textbook = labels_at(session, BACKWARD_1, "textbook")
    assert {"a = ReLU(z)", "ReLU′(z)"} <= set(textbook["node-1-0"]) and "a = softmax(z)" in textbook["node-2-0"]
    assert "hidden_output = ReLU(h)" in labels_at(session, BACKWARD_1, "udacity")["node-1-0"]

    words = notation.for_network("3b1b", session.trainer.network)
    forward, _ = notation.phase_text(words, "forward", 1, False)
    backward, mirror = notation.phase_text(words, "backward", 1, False)
    assert "a = ReLU(z)" in forward and "squishes" not in forward
    assert "each neuron multiplies by ReLU′(z)" in backward and "ReLU′(z) is applied" in mirror
    assert "σ" not in forward + backward + mirror
    assert "ReLU (layer 1), softmax (layer 2)" in words.gloss_for("a")


def test_udacity_input_is_x_and_its_notes_say_h_throughout(session):
    assert labels_at(session, Cursor(0, 0), "udacity")["node-0-0"].keys() == {"input x"}
    assert labels_at(session, Cursor(0, 0), "textbook")["node-0-0"].keys() == {"input a⁰"}
    udacity = notation.get("udacity")
    assert udacity.say("σ(z) = 1 / (1 + e^(−z))") == "σ(h) = 1 / (1 + e^(−h))"
    assert udacity.say("softmax: aⱼ = exp(zⱼ) / Σₖ exp(zₖ)") == "softmax: aⱼ = exp(hⱼ) / Σₖ exp(hₖ)"
    assert udacity.say("∂E/∂oₖ = −tₖ / oₖ") == "−errorₖ = −yₖ / ŷₖ"
    assert udacity.say("size zero") == "size zero"  # only the symbol z, not the letter inside words
