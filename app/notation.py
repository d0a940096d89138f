"""One vocabulary bridge: the same quantities written as a textbook, Udacity or 3Blue1Brown writes them.

    quantity (app/network.py)   textbook          Udacity                        3Blue1Brown
    z[l]                        z = W a + b       h (hidden_input)               z
    a[l]                        a = f(z)          x, a (hidden_output), ŷ        a = σ(z)
    error[l]    = dE/da         ∂E/∂a             error = y − ŷ, hidden_error    ∂C/∂a
    delta[l]    = dE/dz         δ (error term)    error_term                     ∂C/∂z
    grad_W[l]   = dE/dW         ∂E/∂W             del_w = error_term · x         ∂C/∂w
    update                      W ← W − η ∂E/∂W   w ← w + η · del_w              a nudge −η ∂C/∂w

Udacity's course writes the error the other way round, ``error = y − ŷ``, so its error,
error term and del_w are the textbook's numbers with the sign flipped (``sign = -1``), and
its update adds where the textbook subtracts; the weights come out the same. 3Blue1Brown
calls the loss the cost C. A Notation gives each quantity's symbol as MathML (for the
inspector, the matrices and the glossary) and as plain words (for labels and tooltips).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from markupsafe import Markup

from app import mathml as m
from app.explain import FUNCTION_NAMES

_SUP = str.maketrans("0123456789()−+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾⁻⁺")


def superscript(text: str | int) -> str:
    return str(text).translate(_SUP)


@dataclass(frozen=True)
class Notation:
    """The textbook notation; the other notations override what they write differently.

    Layers are superscripts "(l)", neurons 1-based subscripts, as on the page. ``sign`` is
    how this notation's error, error term and gradient relate to the textbook's (and the
    trace's): shown value = sign × trace value.
    """

    key: str = "textbook"
    name: str = "textbook"
    source: str = "the usual textbook notation (Nielsen, Goodfellow et al., Mazur's worked example)"
    loss_letter: str = "E"
    sign: int = 1
    depth: int = 0  # L, once bound to a network
    functions: tuple = ()  # activation name per layer, index 0 unused

    phrases: ClassVar[tuple[tuple[str, str], ...]] = ()  # the textbook's words, and this notation's

    def say(self, text: str) -> str:
        """A sentence written with the textbook's symbols, in this notation's."""
        for textbook, ours in self.phrases:
            text = text.replace(textbook, ours)
        return text

    def bound(self, depth: int, functions) -> Notation:
        """This notation for a network of ``depth`` layers with these activations ([None, f1, ..., fL])."""
        return replace(self, depth=depth, functions=tuple(functions))

    # --- words (labels, tooltips) ----------------------------------------------------------

    words: ClassVar[dict[str, str]] = {
        "z": "z (weighted sum)",
        "a": "a = f(z)",
        "error": "error ∂E/∂a",
        "f_prime": "f′(z)",
        "error_term": "error term δ = ∂E/∂z",
        "weight": "weight w",
        "gradient": "gradient ∂E/∂w",
        "bias_gradient": "gradient ∂E/∂b",
        "change": "change ΔW = −η ∂E/∂w",
        "activation_part": "activation",
        "error_term_part": "error term",
        "tag_term": "δ",
        "tag_error": "e",
        "error_name": "error ∂E/∂a",
        "error_term_name": "error term δ = ∂E/∂z",
        "gradient_name": "gradient ∂E/∂w",
        "update_rule": "W ← W − η ∂E/∂W",
    }

    def titles(self, l: int, L: int, size: int, function: str) -> tuple[str, str, str, str]:
        """Layer l's title, subtitle, and its title and subtitle in the mirror view."""
        s = superscript(l)
        if l == 0:
            return f"input a{s}", f"{size} features", "a⁰ (for ∂E/∂W = δ aᵀ)", "the prediction: ΔW"
        if l == L:
            return f"output a{s}", function, f"output errors ∂E/∂a{s}", "the mirror's inputs"
        return (f"hidden a{s}", f"{size} · {function}", f"δ{s} = f′(z{s}) ⊙ (W{superscript(l + 1)})ᵀδ",
                "mirror layer")

    # --- MathML symbols ----------------------------------------------------------------------

    def _layered(self, letter: str, l: int, *j) -> Markup:
        if not j or j[0] is None:
            return m.sup(m.mi(letter), m.layer(l))
        return m.subsup(m.mi(letter), m.index(*j), m.layer(l))

    def z(self, l: int, j: int | None = None) -> Markup:
        return self._layered("z", l, j)

    def a(self, l: int, j: int | None = None) -> Markup:
        return self._layered("a", l, j)

    def w(self, l: int, j: int, i: int) -> Markup:
        return self._layered("w", l, j, i)

    def W(self, l: int, transposed: bool = False) -> Markup:
        base = m.sup(m.mi("W"), m.row(m.layer(l)))
        return m.sup(base, m.mi("T", mathvariant="normal")) if transposed else base

    def b(self, l: int, j: int | None = None) -> Markup:
        return self._layered("b", l, j)

    def loss(self) -> Markup:
        return m.mi(self.loss_letter)

    def d(self, of: Markup) -> Markup:
        """∂E/∂(of)."""
        return m.frac(m.row(m.mo("∂"), self.loss()), m.row(m.mo("∂"), of))

    def error(self, l: int, j: int | None = None) -> Markup:
        return self.d(self.a(l, j))

    def term(self, l: int, j: int | None = None) -> Markup:
        return self._layered("δ", l, j)

    def grad_w(self, l: int, j: int | None = None, i: int | None = None) -> Markup:
        return self.d(self.W(l) if j is None else self.w(l, j, i))

    def grad_b(self, l: int, j: int | None = None) -> Markup:
        return self.d(self.b(l, j))

    def function(self, l: int) -> str:
        known = isinstance(l, int) and l < len(self.functions) and self.functions[l]
        return FUNCTION_NAMES[self.functions[l]] if known else "f"

    def f(self, l: int, arg: Markup) -> Markup:
        return m.row(m.mi(self.function(l)), m.fenced(arg))

    def f_prime(self, l: int, j: int | None = None) -> Markup:
        return m.row(m.sup(m.mi(self.function(l)), m.mo("′")), m.fenced(self.z(l, j)))

    def eta(self) -> Markup:
        return m.mi("η")

    def change(self, l: int, j: int | None = None, i: int | None = None) -> Markup:
        """Δw: how much the update moves a weight."""
        return m.row(m.mo("Δ"), self.W(l) if j is None else self.w(l, j, i))

    # --- the update, as this notation writes it ----------------------------------------------

    def update_sign(self) -> str:
        """The operator between w and η·gradient in the update rule."""
        return "−"

    # --- plain-text symbols for code comments ------------------------------------------------

    gloss: ClassVar[dict[str, str]] = {
        "z": "z⁽ˡ⁾ = W⁽ˡ⁾ a⁽ˡ⁻¹⁾ + b⁽ˡ⁾",
        "a": "a⁽ˡ⁾ = f(z⁽ˡ⁾)",
        "error": "the error ∂E/∂a⁽ˡ⁾: from the loss at the output, else W⁽ˡ⁺¹⁾ᵀ δ⁽ˡ⁺¹⁾ (the mirror's weighted sum)",
        "f_prime": "f′(z⁽ˡ⁾)",
        "error_term": "the error term δ⁽ˡ⁾ = ∂E/∂z⁽ˡ⁾ = f′(z⁽ˡ⁾) ⊙ ∂E/∂a⁽ˡ⁾",
        "grad_weights": "∂E/∂W⁽ˡ⁾ = δ⁽ˡ⁾ a⁽ˡ⁻¹⁾ᵀ",
        "grad_biases": "∂E/∂b⁽ˡ⁾ = δ⁽ˡ⁾",
        "delta_weights": "ΔW = −η ∂E/∂W",
        "delta_biases": "Δb = −η ∂E/∂b",
        "new_weights": "W ← W + ΔW = W − η ∂E/∂W",
        "new_biases": "b ← b − η ∂E/∂b",
        "loss": "E and the output error ∂E/∂a⁽ᴸ⁾",
    }


@dataclass(frozen=True)
class Udacity(Notation):
    """Udacity's Intro to Deep Learning: h, ŷ, error = y − ŷ, error_term, hidden_error, del_w."""

    key: str = "udacity"
    name: str = "Udacity"
    source: str = "Udacity's deep-learning course (error = y − ŷ, error_term, hidden_error, del_w)"
    sign: int = -1

    words: ClassVar[dict[str, str]] = {
        "z": "h (the neuron's input, hidden_input)",
        "a": "output = f(h)",
        "error": "error = y − ŷ (= −∂E/∂a)",
        "f_prime": "f′(h)",
        "error_term": "error_term δ = error · f′(h) (the textbook's −δ)",
        "weight": "weight w",
        "gradient": "del_w = error_term · x (= −∂E/∂w)",
        "bias_gradient": "del_b = error_term (= −∂E/∂b)",
        "change": "change Δw = η · del_w",
        "activation_part": "output",
        "error_term_part": "error_term",
        "tag_term": "δ",  # Udacity's δ: its error term, the textbook's δ with the other sign
        "tag_error": "err",
        "error_name": "error = y − ŷ",
        "error_term_name": "error_term = error · f′(h)",
        "gradient_name": "del_w = error_term · x",
        "update_rule": "w ← w + η · del_w",
    }

    def titles(self, l: int, L: int, size: int, function: str) -> tuple[str, str, str, str]:
        s = superscript(l)
        if l == 0:
            return "input x", f"{size} features", "x (for del_w = error_term · x)", "the prediction: Δw"
        if l == L:
            return "output ŷ", function, "error = y − ŷ", "the mirror's inputs"
        return f"hidden_output a{s}", f"{size} · {function}", f"hidden_error{s} → error_term{s}", "mirror layer"

    phrases: ClassVar[tuple[tuple[str, str], ...]] = (
        ("δ = ∂E/∂a · f′(z), the mirror of a = f(z)", "error_term = error · f′(h), the mirror of output = f(h)"),
        ("the δ of the neuron the weight leads to, times the activation it carries",
         "the error_term of the neuron the weight leads to, times the input x it carries"),
        ("δ is the Jacobian product Jᵀ·∂E/∂a", "error_term is the Jacobian product Jᵀ · error"),
        ("δ = o − t", "error_term = y − ŷ"),
        ("∂E/∂o", "−error"),
        ("(z)", "(h)"),
    )

    def z(self, l: int, j: int | None = None) -> Markup:
        return self._layered("h", l, j)

    def a(self, l: int, j: int | None = None) -> Markup:
        if l == 0:
            return m.mi("x") if j is None else m.sub(m.mi("x"), m.index(j))
        if l == self.depth and self.depth:
            return m.mi("ŷ") if j is None else m.sub(m.mi("ŷ"), m.index(j))
        return self._layered("a", l, j)

    def error(self, l: int, j: int | None = None) -> Markup:
        if l == self.depth and self.depth:
            return m.mi("error") if j is None else m.sub(m.mi("error"), m.index(j))
        return self._layered("hidden_error", l, j)

    def term(self, l: int, j: int | None = None) -> Markup:
        return self._layered("error_term", l, j)

    def grad_w(self, l: int, j: int | None = None, i: int | None = None) -> Markup:
        return m.sup(m.mi("del_w"), m.layer(l)) if j is None else self._layered("del_w", l, j, i)

    def grad_b(self, l: int, j: int | None = None) -> Markup:
        return self._layered("del_b", l, j)

    def update_sign(self) -> str:
        return "+"

    gloss: ClassVar[dict[str, str]] = {
        "z": "h = hidden_input = np.dot(x, weights_input_hidden); Udacity's weights are W[l].T",
        "a": "hidden_output = sigmoid(hidden_input); at the output layer, ŷ",
        "error": "Udacity: error = y − ŷ = −error[L];  hidden_error = −error[l] = np.dot(error_term, w.T)",
        "f_prime": "f′(h), e.g. sigmoid: output * (1 − output)",
        "error_term": "Udacity: error_term = error * f′(h) = −delta[l]",
        "grad_weights": "Udacity: del_w = error_term * x = −grad_W[l]",
        "grad_biases": "Udacity: del_b = error_term = −grad_b[l]",
        "delta_weights": "Udacity: Δw = learnrate * del_w (the same numbers as dW)",
        "delta_biases": "Udacity: Δb = learnrate * del_b",
        "new_weights": "Udacity: weights += learnrate * del_w  (+ because del_w = −∂E/∂w)",
        "new_biases": "Udacity: bias += learnrate * del_b",
        "loss": "Udacity: E = ½ Σ (y − ŷ)²; error = y − ŷ is −∂E/∂ŷ",
    }


@dataclass(frozen=True)
class ThreeBlue(Notation):
    """3Blue1Brown's "Backpropagation calculus": the cost C, ∂C/∂a, ∂C/∂z, ∂C/∂w, and nudges."""

    key: str = "3b1b"
    name: str = "3Blue1Brown"
    source: str = "3Blue1Brown's Neural networks videos, chapter 4: Backpropagation calculus"
    loss_letter: str = "C"

    words: ClassVar[dict[str, str]] = {
        "z": "z (weighted sum)",
        "a": "a = σ(z)",
        "error": "∂C/∂a (how C reacts to a nudge of a)",
        "f_prime": "σ′(z)",
        "error_term": "∂C/∂z = σ′(z) · ∂C/∂a",
        "weight": "weight w",
        "gradient": "∂C/∂w",
        "bias_gradient": "∂C/∂b",
        "change": "nudge −η ∂C/∂w",
        "activation_part": "activation",
        "error_term_part": "∂C/∂z",
        "tag_term": "∂z",
        "tag_error": "∂a",
        "error_name": "∂C/∂a",
        "error_term_name": "∂C/∂z",
        "gradient_name": "∂C/∂w",
        "update_rule": "w ← w − η ∂C/∂w (a nudge down the slope)",
    }

    def titles(self, l: int, L: int, size: int, function: str) -> tuple[str, str, str, str]:
        s = superscript(f"({l})")
        if l == 0:
            return f"input a{s}", f"{size} features", f"a{s} (for ∂C/∂w)", "the prediction: nudges"
        if l == L:
            return f"output a{s}", function, f"∂C/∂a{s}", "the mirror's inputs"
        return f"hidden a{s}", f"{size} · {function}", f"∂C/∂z{s}", "mirror layer"

    def term(self, l: int, j: int | None = None) -> Markup:
        return self.d(self.z(l, j))

    phrases: ClassVar[tuple[tuple[str, str], ...]] = (
        ("∂E/∂", "∂C/∂"), ("E = ", "C = "), ("δ = ", "∂C/∂z = "), ("the δ of", "∂C/∂z of"),
        ("δ is the", "∂C/∂z is the"),
    )

    gloss: ClassVar[dict[str, str]] = {
        "z": "z⁽ˡ⁾ = W⁽ˡ⁾ a⁽ˡ⁻¹⁾ + b⁽ˡ⁾",
        "a": "a⁽ˡ⁾ = σ(z⁽ˡ⁾)",
        "error": "∂C/∂a⁽ˡ⁾: at the output from the cost, else Σ w · ∂C/∂z⁽ˡ⁺¹⁾ (every path a nudge can take)",
        "f_prime": "σ′(z⁽ˡ⁾)",
        "error_term": "∂C/∂z⁽ˡ⁾ = σ′(z⁽ˡ⁾) ∂C/∂a⁽ˡ⁾ (the chain rule, one link)",
        "grad_weights": "∂C/∂w = a⁽ˡ⁻¹⁾ · σ′(z⁽ˡ⁾) · ∂C/∂a⁽ˡ⁾ (the chain rule)",
        "grad_biases": "∂C/∂b = σ′(z⁽ˡ⁾) · ∂C/∂a⁽ˡ⁾",
        "delta_weights": "the nudge to every weight: −η ∂C/∂w",
        "delta_biases": "the nudge to every bias: −η ∂C/∂b",
        "new_weights": "w ← w − η ∂C/∂w",
        "new_biases": "b ← b − η ∂C/∂b",
        "loss": "the cost C (3Blue1Brown writes Σ (a − y)², without the ½)",
    }


NOTATIONS: dict[str, Notation] = {n.key: n for n in (Notation(), Udacity(), ThreeBlue())}
DEFAULT = "textbook"


def get(key: str | None) -> Notation:
    """The notation called ``key`` (textbook when unknown or missing)."""
    return NOTATIONS.get(key or DEFAULT, NOTATIONS[DEFAULT])


def for_network(key: str | None, net) -> Notation:
    """The notation called ``key``, bound to a network's depth and activation names."""
    return get(key).bound(net.depth, [None] + [f.name for f in net.activations[1:]])


# --- the phase panel's sentences in the other notations ----------------------------------

PHASE_TEXT = {
    "udacity": {
        "forward": "Forward, layer {l}: each neuron sums its weighted inputs, h = Σ w·x + b, then applies "
                   "its activation, output = f(h). Values travel left to right along the edges.",
        "loss": "The loss: the output ŷ is compared with the target y. Udacity's error, y − ŷ, is the "
                "textbook's ∂E/∂a with the sign flipped; it is where the backward pass starts.",
        "backward": "Backward, layer {l}: the errors travel right to left along the same edges. Each edge "
                    "scales what passes through it by its weight, each neuron multiplies by f′(h): "
                    "its error becomes its error_term = error · f′(h).",
        "update": "Update, layer {l}: every weight moves by η · del_w, w ← w + η · del_w, where "
                  "del_w = error_term · x. Edges change thickness and colour; the halo shows the change.",
    },
    "3b1b": {
        "forward": "Forward, layer {l}: each neuron takes a weighted sum, z = w·a + b, and squishes it, "
                   "a = σ(z). Values travel left to right along the edges.",
        "loss": "The cost C: how far the output is from what we wanted. ∂C/∂a, how C reacts to a nudge "
                "of each output, is where the backward pass starts.",
        "backward": "Backward, layer {l}: ∂C/∂a travels right to left along the same edges. Each edge "
                    "scales it by its weight, each neuron by σ′(z): ∂C/∂a becomes ∂C/∂z, the chain "
                    "rule one link at a time.",
        "update": "Update, layer {l}: every weight gets a nudge, −η ∂C/∂w, down the slope of the cost. "
                  "Edges change thickness and colour; the halo shows the nudge.",
    },
}
MIRROR_TEXT = {
    "udacity": {
        "backward": "In the mirror, this is a forward pass: the inputs are the error_terms of layer {n}, "
                    "the weights are the same weights read backward, and f′(h) is applied like an "
                    "activation. Its output is the error_term of layer {l}.",
        "update": "The mirror's prediction: the change to every weight, Δw = η · del_w.",
        "last": "In the mirror, this is the input layer: its inputs are the output errors y − ŷ, and each "
                "output neuron applies f′(h) like an activation. Its output is the error_term of layer {l}.",
    },
    "3b1b": {
        "backward": "In the mirror, this is a forward pass: the inputs are ∂C/∂z of layer {n}, the weights "
                    "are Wᵀ, and σ′(z) is applied like an activation. Its output is ∂C/∂z of layer {l}.",
        "update": "The mirror's prediction: the nudge to every weight, −η ∂C/∂w.",
        "last": "In the mirror, this is the input layer: its inputs are ∂C/∂a at the output, and each "
                "output neuron applies σ′(z) like an activation. Its output is ∂C/∂z of layer {l}.",
    },
}


def phase_text(notation: Notation, kind: str, layer: int | None, last: bool) -> tuple[str, str] | None:
    """The phase panel's sentence and mirror reading in this notation, or None for the textbook's own."""
    texts = PHASE_TEXT.get(notation.key)
    if texts is None or kind not in texts:
        return None
    mirrors = MIRROR_TEXT[notation.key]
    mirror = mirrors.get("last" if kind == "backward" and last else kind, "")
    n = (layer or 0) + 1
    return texts[kind].format(l=layer), mirror.format(l=layer, n=n)
