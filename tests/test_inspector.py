"""The inspector: each selected number as a formula, in symbols and with this step's numbers, from the trace."""

import html
import re
from pathlib import Path

import pytest

from app import inspector, notation
from app.config import from_query, load_file
from app.explain import format_number
from app.training import Trainer

MAZUR = Path(__file__).resolve().parent.parent / "examples" / "mazur.json"
F1, F2, LOSS, B2, B1, U1, U2 = range(7)  # the phases of a step of a 2-layer network


def text(markup) -> str:
    """What the reader sees: the markup without tags (MathML lays out, it does not add characters)."""
    return html.unescape(re.sub(r"<[^>]+>", "", str(markup)))


def numbers(markup) -> list[float]:
    """The exact values of every number in the markup, in order."""
    return [float(v) for v in re.findall(r'data-value="([^"]+)"', str(markup))]


@pytest.fixture(scope="module")
def mazur():
    return Trainer(load_file(MAZUR)).step()


@pytest.fixture(scope="module")
def iris():
    trainer = Trainer(from_query({"dataset": "iris", "hidden": "5", "seed": "1"}))
    trainer.run(2)
    return trainer.step()


def textbook(depth=2, output="sigmoid"):
    return notation.get("textbook").bound(depth, [None, "sigmoid", output])


def test_the_issues_example_is_mazurs_hidden_neuron(mazur):
    found = inspector.inspect(mazur, B1, "node-1-0", textbook())
    assert found.explained_by == "backward, layer 1"
    error, f_prime, delta = found.lines[:3]
    assert text(delta.html()) == "δ1(1)=(w11(2)·δ1(2)+w21(2)·δ2(2))·σ′(z1(1))=(0.4·0.1385+0.5·(−0.0381))·0.2413=0.008771"
    assert text(error.html()).endswith("=0.4·0.1385+0.5·(−0.0381)=0.03635")
    assert text(f_prime.html()) == "σ′(z1(1))=a1(1)·(1−a1(1))=0.5933·(1−0.5933)=0.2413"
    assert delta.value == mazur.phases[B1].values["error_term"][0]
    assert found.mirror and "feed-forward neuron" in found.mirror_text


def test_forward_lines_are_the_traces_numbers(iris):
    v = iris.phases[F1].values
    z, a = inspector.inspect(iris, F1, "node-1-3", textbook(output="softmax")).lines
    assert (z.value, a.value) == (v["z"][3], v["a"][3])
    # the filled-in sum: each weight of row 3 times its input, then the bias, then the result
    expected = [x for i in range(4) for x in (v["weights"][3][i], v["inputs"][i])] + [v["biases"][3], v["z"][3]]
    assert numbers(z.html()) == expected
    assert text(z.result) == format_number(v["z"][3], 4)


def test_a_neuron_keeps_its_latest_numbers_as_the_cursor_moves_on(iris):
    found = inspector.inspect(iris, LOSS, "node-1-3", textbook(output="softmax"))
    assert found.explained_by == "forward, layer 1" and found.now == "loss"
    later = inspector.inspect(iris, U1, "node-1-3", textbook(output="softmax"))
    assert later.explained_by == "update, layer 1"
    assert later.lines[0].value == iris.phases[U1].values["new_biases"][3]
    assert inspector.inspect(iris, -1, "node-2-0", textbook()).pending.startswith("Not computed yet")


def test_a_weight_in_each_phase(iris):
    n = textbook(output="softmax")
    forward = inspector.inspect(iris, F2, "edge-2-1-3", n).lines[0]
    assert forward.quantity == "z" and forward.highlight is not None  # its term of the sum is marked
    grad = inspector.inspect(iris, B2, "edge-2-1-3", n).lines[0]
    assert grad.value == iris.phases[B2].values["grad_weights"][1][3]
    back = inspector.inspect(iris, B1, "edge-2-1-3", n)  # it carries neuron 2's error term back to neuron 4
    assert back.lines[0].quantity == "error" and back.lines[0].at == (1, 3)
    assert back.lines[0].value == iris.phases[B1].values["error"][3]
    update = inspector.inspect(iris, U2, "edge-2-1-3", n).lines[0]
    assert update.arrow and update.value == iris.phases[U2].values["new_weights"][1][3]
    v = iris.phases[U2].values
    assert numbers(update.html()) == [v["weights"][1][3], v["learning_rate"], v["grad_weights"][1][3],
                                      v["new_weights"][1][3]]


def test_udacity_flips_the_sign_of_error_error_term_and_del_w_and_says_so(iris):
    n = notation.get("udacity").bound(2, [None, "sigmoid", "softmax"])
    found = inspector.inspect(iris, B1, "node-1-0", n)
    v = iris.phases[B1].values
    by = {line.quantity: line for line in found.lines}
    assert by["error"].value == -v["error"][0]
    assert by["error_term"].value == -v["error_term"][0]
    assert by["f_prime"].value == v["f_prime"][0]
    assert text(by["error_term"].lhs) == "error_term1(1)"
    assert [line.value for line in found.bridge] == [-v["error"][0], -v["error_term"][0]]
    update = inspector.inspect(iris, U1, "edge-1-0-0", n).lines[0]
    assert "+η·del_w" in text(update.html())  # Udacity adds η·del_w ...
    assert update.value == iris.phases[U1].values["new_weights"][0][0]  # ... and lands on the same weight


def test_a_whole_phase(iris):
    found = inspector.inspect(iris, B1, "phase", textbook(output="softmax"))
    assert found.title == "Backward, layer 1"
    assert [text(line.lhs) for line in found.vector] == ["∂E∂a(1)", "δ(1)", "∂E∂W(1)"]
    assert [line.value for line in found.lines if line.quantity == "error_term"] == list(
        iris.phases[B1].values["error_term"])
    assert "whose weights are W⁽²⁾ᵀ" in found.mirror_text


@pytest.mark.parametrize("text_", ["", "node-9-0", "node-1-5", "edge-1-0-4", "phase2", "edge-0-0-0"])
def test_selections_that_do_not_fit_select_nothing(text_):
    assert inspector.parse_selection(text_, [4, 5, 3]).kind == "none"


def test_udacity_output_after_cross_entropy_reads_as_its_code(iris):
    # error = −∂E/∂ŷ = y/ŷ (not y − ŷ), and output_error_term = y − ŷ, the trace's −δ
    n = notation.get("udacity").bound(2, [None, "sigmoid", "softmax"], "cross_entropy")
    loss, v = iris.phases[LOSS].values, iris.phases[B2].values
    k = int(loss["target"].argmax())
    by = {line.quantity: line for line in inspector.inspect(iris, B2, f"node-2-{k}", n).lines}
    assert by["error"].words == "error = −∂E/∂ŷ = y / ŷ (cross-entropy: not y − ŷ)"
    assert by["error"].value == -v["error"][k]
    term = by["error_term"]
    assert term.words == "output_error_term δ = y − ŷ (cross-entropy: the textbook's −δ)"
    assert numbers(term.html()) == [loss["target"][k], loss["output"][k], -v["error_term"][k]]
    assert text(term.html()).startswith(f"error_term{k + 1}(2)=y{k + 1}−ŷ{k + 1}=1−")
    assert "writes output_error_term = y − ŷ directly" in term.note
    hidden = inspector.inspect(iris, B1, "node-1-0", n).lines
    assert [line.words.split(" ")[0] for line in hidden] == ["hidden_error", "σ′(h)", "hidden_error_term", "del_b"]
    assert not any("y − ŷ" in line.words for line in hidden)


def test_the_layers_activation_heads_its_lines_in_every_notation():
    trainer = Trainer(from_query({"dataset": "iris", "hidden": "5", "activation": "relu", "seed": "1"}))
    trace = trainer.step()
    for key, f_prime, term in (("3b1b", "ReLU′(z)", "∂C/∂z = ReLU′(z) · ∂C/∂a"),
                               ("udacity", "ReLU′(h)", "hidden_error_term δ = hidden_error · ReLU′(h) (the textbook's −δ)"),
                               ("textbook", "ReLU′(z)", "error term δ = ∂E/∂z")):
        n = notation.for_network(key, trainer.network)
        found = inspector.inspect(trace, B1, "node-1-0", n)
        assert [line.words for line in found.lines][1:3] == [f_prime, term]
        assert "ReLU′" in found.mirror_text and "σ" not in found.mirror_text
        forward = inspector.inspect(trace, F2, "node-2-0", n).lines[1]
        assert forward.words in ("a = softmax(z)", "output ŷ = softmax(h)")


def test_words_in_place_of_a_formula_are_text_that_wraps_not_mathml(iris):
    found = inspector.inspect(iris, B2, "node-2-0", textbook(output="softmax"))
    (_, source), _ = found.mirror
    assert '<span class="prose">the loss&#39;s derivative: the mirror&#39;s input</span>' in str(source.html())
    assert "<mtext" not in str(source.html())
    error = found.lines[0]
    assert error.prose == "from the loss" and "<mtext" not in str(error.html())
    assert numbers(error.html()) == [iris.phases[B2].values["error"][0]]


@pytest.fixture(scope="module")
def digits():
    trainer = Trainer(from_query({"dataset": "digits", "hidden": "8", "seed": "1"}))
    return trainer.step()


def test_a_neuron_lists_every_incoming_and_outgoing_weight(digits):
    n = notation.get("textbook").bound(2, [None, "sigmoid", "softmax"])
    incoming, outgoing = inspector.inspect(digits, B1, "node-1-2", n).related
    assert incoming.title == "64 incoming weights, from the input layer"
    assert [id_ for id_, _ in incoming.items] == [f"edge-1-2-{i}" for i in range(64)]
    assert len(incoming.first) == inspector.MAX_TERMS and len(incoming.rest) == 64 - inspector.MAX_TERMS
    # the outgoing weights are the mirror's: row 3 of W⁽²⁾ᵀ, from neuron 3 to each output
    assert outgoing.title == "10 outgoing weights, to the output layer" and "mirror" in outgoing.note
    assert [id_ for id_, _ in outgoing.items] == [f"edge-2-{k}-2" for k in range(10)]
    assert len(outgoing.first) == 10 and not outgoing.rest  # a short list is shown whole
    sizes = [64, 8, 10]
    assert all(inspector.parse_selection(id_, sizes).kind == "edge" for id_, _ in incoming.items + outgoing.items)
    # an input neuron has only outgoing weights, an output neuron only incoming ones
    assert [g.title for g in inspector.inspect(digits, B1, "node-0-5", n).related] == [
        "8 outgoing weights, to hidden layer 1"]
    assert [g.title for g in inspector.inspect(digits, B1, "node-2-0", n).related] == [
        "8 incoming weights, from hidden layer 1"]


def test_words_inside_a_formula_keep_their_spaces():
    # MathML trims an <mtext>'s plain end spaces: "1if z > 0" unless they are no-break spaces
    trainer = Trainer(from_query({"dataset": "iris", "hidden": "5", "activation": "relu", "seed": "1"}))
    trace = trainer.step()
    f_prime = inspector.inspect(trace, B1, "node-1-0", notation.for_network("textbook", trainer.network)).lines[1]
    assert "<mtext>\u00a0if\u00a0</mtext>" in str(f_prime.html())
    z = inspector.inspect(Trainer(from_query({"dataset": "digits", "hidden": "8"})).step(), F1, "node-1-0",
                          textbook()).lines[0]
    assert "<mtext>\u00a060 more\u00a0</mtext>" in str(z.html())
