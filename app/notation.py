"""One vocabulary bridge: the same quantities written as a textbook, Udacity or 3Blue1Brown writes them.

    quantity (app/network.py)   textbook          Udacity                        3Blue1Brown
    z[l]                        z = W a + b       h (hidden_input)               z
    a[l]                        a = f(z)          x, a (hidden_output), ŷ        a = σ(z)
    error[l]    = dE/da         ∂E/∂a             error, hidden_error (−∂E/∂a)   ∂C/∂a
    delta[l]    = dE/dz         δ (error term)    output_error_term,             ∂C/∂z
                                                  hidden_error_term (−δ)
    grad_W[l]   = dE/dW         ∂E/∂W             del_w = error_term · x         ∂C/∂w
    update                      W ← W − η ∂E/∂W   w ← w + η · del_w              a nudge −η ∂C/∂w

Udacity's course writes the error the other way round: its ``error`` is −∂E/∂ŷ, which is
``y − ŷ`` for squared error only (cross-entropy's is y / ŷ, and there Udacity's code skips it
and writes ``output_error_term = y − ŷ``, the textbook's −δ). So its error, error term and
del_w are the textbook's numbers with the sign flipped (``sign = -1``), and its update adds
where the textbook subtracts; the weights come out the same. 3Blue1Brown calls the loss the
cost C. A Notation gives each quantity's symbol as MathML (for the inspector, the matrices
and the glossary) and as plain words (for labels and tooltips); bound to a network
(``for_network``), its words name each layer's activation and say what its loss makes of
the error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import ClassVar

from markupsafe import Markup

from app import mathml as m
from app.explain import FUNCTION_NAMES

_SUP = str.maketrans("0123456789()−+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾⁻⁺")
CROSS_ENTROPIES = ("cross_entropy", "binary_cross_entropy")


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
    loss_function: str = ""  # "squared_error", "cross_entropy" or "binary_cross_entropy", once bound

    phrases: ClassVar[tuple[tuple[str, str], ...]] = ()  # the textbook's words, and this notation's
    letters: ClassVar[tuple[tuple[str, str], ...]] = ()  # (regex, replacement): single letters renamed
    generic: ClassVar[str] = "f"  # the letter its words use for "this layer's activation"
    z_letter: ClassVar[str] = "z"

    def say(self, text: str) -> str:
        """A sentence written with the textbook's symbols, in this notation's."""
        for textbook, ours in self.phrases:
            text = text.replace(textbook, ours)
        for pattern, ours in self.letters:
            text = re.sub(pattern, ours, text)
        return text

    def bound(self, depth: int, functions, loss_function: str = "") -> Notation:
        """This notation for a network of ``depth`` layers with these activations ([None, f1, ..., fL]) and loss."""
        return replace(self, depth=depth, functions=tuple(functions), loss_function=loss_function)

    def is_output(self, l) -> bool:
        return bool(self.depth) and l == self.depth

    def output_term_is_y_minus_y_hat(self) -> bool:
        """Whether this notation writes the output's error term as y − ŷ (Udacity, after cross-entropy)."""
        return False

    def is_softmax(self, l) -> bool:
        return isinstance(l, int) and 0 < l < len(self.functions) and self.functions[l] == "softmax"

    # --- words (labels, tooltips) ----------------------------------------------------------

    words: ClassVar[dict[str, str]] = {
        "input": "input a⁰",
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

    def word(self, key: str, l: int | None = None) -> str:
        """The label of quantity ``key`` in layer ``l``, with the layer's activation named (σ, ReLU, softmax…).

        Without a layer (the glossary) the words stay general: f, or 3Blue1Brown's σ.
        """
        text = self.words[key]
        f = self.function(l)
        if f != "f" and f != self.generic:
            text = text.replace(f"{self.generic}(", f"{f}(").replace(f"{self.generic}′", f"{f}′")
        if self.is_softmax(l) and key == "f_prime":
            text += ", the diagonal of its Jacobian"
        elif self.is_softmax(l) and key == "error_term" and "′(" in text:
            text += " (softmax′ is a Jacobian: a sum over the outputs)"
        return text

    def layer_words(self, l: int) -> dict[str, str]:
        """Every label, for layer l: what the picture's neurons and tooltips say."""
        return {key: self.word(key, l) for key in self.words}

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
        """Layer l's activation as people write it (σ, tanh, ReLU, softmax), or "f" when not known."""
        known = isinstance(l, int) and l < len(self.functions) and self.functions[l]
        return FUNCTION_NAMES[self.functions[l]] if known else "f"

    def functions_here(self) -> str:
        """The bound network's activations in a few words, e.g. "σ (layer 1), softmax (layer 2)"."""
        return ", ".join(f"{self.function(l)} (layer {l})" for l in range(1, len(self.functions)))

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

    def gloss_for(self, quantity: str) -> str:
        """The code note for a quantity, in this notation, naming the bound network's activations."""
        text = self.gloss.get(quantity, "")
        if text and quantity == "a" and len(self.functions) > 1:
            text += f"; here {self.generic} is {self.functions_here()}"
        return text


@dataclass(frozen=True)
class Udacity(Notation):
    """Udacity's Intro to Deep Learning: h, ŷ, error, output_error_term, hidden_error, del_w.

    Its ``error`` is −∂E/∂ŷ: ``y − ŷ`` for squared error, ``y / ŷ`` for cross-entropy after
    softmax. With cross-entropy its code skips the error and writes ``output_error_term = y − ŷ``.
    """

    key: str = "udacity"
    name: str = "Udacity"
    source: str = ("Udacity's deep-learning course (error = y − ŷ for squared error, output_error_term, "
                   "hidden_error, del_w)")
    sign: int = -1

    words: ClassVar[dict[str, str]] = {
        "input": "input x",
        "z": "h (the neuron's input, hidden_input)",
        "a": "output = f(h)",
        "error": "error = −∂E/∂a (y − ŷ for squared error; hidden_error inside)",
        "f_prime": "f′(h)",
        "error_term": "error_term δ = error · f′(h) (the textbook's −δ)",
        "weight": "weight w",
        "gradient": "del_w = error_term · x (= −∂E/∂w)",
        "bias_gradient": "del_b = error_term (= −∂E/∂b)",
        "change": "change Δw = η · del_w",
        "activation_part": "output",
        "error_term_part": "error_term",
        "tag_term": "δ",  # Udacity's δ: its error term, the textbook's δ with the other sign (the tooltip says so)
        "tag_error": "err",
        "error_name": "error = −∂E/∂ŷ (y − ŷ for squared error); hidden_error = −∂E/∂a",
        "error_term_name": "output_error_term, hidden_error_term = error · f′(h)",
        "gradient_name": "del_w = error_term · x",
        "update_rule": "w ← w + η · del_w",
    }
    # the output's error, −∂E/∂ŷ, as each loss makes it
    output_errors: ClassVar[dict[str, str]] = {
        "squared_error": "error = y − ŷ (= −∂E/∂ŷ)",
        "cross_entropy": "error = −∂E/∂ŷ = y / ŷ (cross-entropy: not y − ŷ)",
        "binary_cross_entropy": "error = −∂E/∂ŷ = (y − ŷ) / (ŷ(1 − ŷ)) (cross-entropy: not y − ŷ)",
    }

    def output_term_is_y_minus_y_hat(self) -> bool:
        """Whether the output's error term is written y − ŷ (cross-entropy after softmax or sigmoid)."""
        return self.loss_function in CROSS_ENTROPIES

    def word(self, key: str, l: int | None = None) -> str:
        if l is None or l == 0 or not self.depth:
            return super().word(key, l)
        output, f = self.is_output(l), self.function(l)
        if key == "a":
            return f"output ŷ = {f}(h)" if output else f"hidden_output = {f}(h)"
        if key in ("error", "error_name"):
            if output:
                return self.output_errors.get(self.loss_function, self.output_errors["squared_error"])
            return "hidden_error = −∂E/∂a (Σ w · error_term)"
        if key in ("error_term", "error_term_name"):
            if not output:
                return f"hidden_error_term δ = hidden_error · {f}′(h) (the textbook's −δ)"
            if self.output_term_is_y_minus_y_hat():
                return "output_error_term δ = y − ŷ (cross-entropy: the textbook's −δ)"
            if self.is_softmax(l):
                return "output_error_term δ = softmax′(h)ᵀ · error (a Jacobian; the textbook's −δ)"
            return f"output_error_term δ = error · {f}′(h) (the textbook's −δ)"
        if key == "error_term_part":
            return "output_error_term" if output else "hidden_error_term"
        return super().word(key, l)

    def output_error_title(self) -> str:
        return "error = y − ŷ" if self.loss_function in ("", "squared_error") else "error = −∂E/∂ŷ"

    def titles(self, l: int, L: int, size: int, function: str) -> tuple[str, str, str, str]:
        s = superscript(l)
        if l == 0:
            return "input x", f"{size} features", "x (for del_w = error_term · x)", "the prediction: Δw"
        if l == L:
            return "output ŷ", function, self.output_error_title(), "the mirror's inputs"
        return f"hidden_output a{s}", f"{size} · {function}", f"hidden_error{s} → error_term{s}", "mirror layer"

    phrases: ClassVar[tuple[tuple[str, str], ...]] = (
        ("δ = ∂E/∂a · f′(z), the mirror of a = f(z)", "error_term = error · f′(h), the mirror of output = f(h)"),
        ("the δ of the neuron the weight leads to, times the activation it carries",
         "the error_term of the neuron the weight leads to, times the input x it carries"),
        ("δ is the Jacobian product Jᵀ·∂E/∂a", "error_term is the Jacobian product Jᵀ · error"),
        ("δ = o − t", "error_term = y − ŷ"),
        ("∂E/∂o", "−error"),
    )
    # Udacity's h is the textbook's z; its y and ŷ are the textbook's t and o
    letters: ClassVar[tuple[tuple[str, str], ...]] = (
        (r"(?<![A-Za-z_])z(?![A-Za-z_])", "h"), (r"(?<![A-Za-z_])o(?=ₖ)", "ŷ"), (r"(?<![A-Za-z_])t(?=ₖ)", "y"),
    )
    z_letter: ClassVar[str] = "h"

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
        "a": "hidden_output = f(hidden_input); at the output layer, ŷ",
        "error": "Udacity: error = −∂E/∂ŷ = −error[L];  hidden_error = −error[l] = np.dot(error_term, w.T)",
        "f_prime": "f′(h), e.g. sigmoid: output * (1 − output)",
        "error_term": "Udacity: error_term = error * f′(h) = −delta[l]",
        "grad_weights": "Udacity: del_w = error_term * x = −grad_W[l]",
        "grad_biases": "Udacity: del_b = error_term = −grad_b[l]",
        "delta_weights": "Udacity: Δw = learnrate * del_w (the same numbers as dW)",
        "delta_biases": "Udacity: Δb = learnrate * del_b",
        "new_weights": "Udacity: weights += learnrate * del_w  (+ because del_w = −∂E/∂w)",
        "new_biases": "Udacity: bias += learnrate * del_b",
        "loss": "Udacity: E = ½ Σ (y − ŷ)²; error = y − ŷ is −∂E/∂ŷ (for squared error)",
    }
    # what the loss changes in the code notes
    loss_glosses: ClassVar[dict[str, dict[str, str]]] = {
        "squared_error": {
            "error": "Udacity: error = y − ŷ = −error[L];  hidden_error = −error[l] = np.dot(error_term, w.T)",
            "error_term": "Udacity: output_error_term = error * f′(h) = −delta[L];  "
                          "hidden_error_term = hidden_error * f′(h) = −delta[l]",
        },
        "cross_entropy": {
            "error": "Udacity: error = −∂E/∂ŷ = y / ŷ = −error[L] (cross-entropy: not y − ŷ);  "
                     "hidden_error = −error[l] = np.dot(error_term, w.T)",
            "error_term": "Udacity: output_error_term = y − ŷ = −delta[L] (its code skips error);  "
                          "hidden_error_term = hidden_error * f′(h) = −delta[l]",
            "loss": "Udacity: E = −Σ y log ŷ (cross-entropy); error = −∂E/∂ŷ = y / ŷ, "
                    "and output_error_term = y − ŷ = −δ",
        },
        "binary_cross_entropy": {
            "error": "Udacity: error = −∂E/∂ŷ = (y − ŷ) / (ŷ(1 − ŷ)) = −error[L] (cross-entropy: not y − ŷ);  "
                     "hidden_error = −error[l] = np.dot(error_term, w.T)",
            "error_term": "Udacity: output_error_term = y − ŷ = −delta[L] (its code skips error);  "
                          "hidden_error_term = hidden_error * f′(h) = −delta[l]",
            "loss": "Udacity: E = −Σ [y log ŷ + (1 − y) log(1 − ŷ)] (cross-entropy); "
                    "error = −∂E/∂ŷ = (y − ŷ) / (ŷ(1 − ŷ)), and output_error_term = y − ŷ = −δ",
        },
    }

    def gloss_for(self, quantity: str) -> str:
        text = self.loss_glosses.get(self.loss_function, {}).get(quantity)
        return text if text else super().gloss_for(quantity)


@dataclass(frozen=True)
class ThreeBlue(Notation):
    """3Blue1Brown's "Backpropagation calculus": the cost C, ∂C/∂a, ∂C/∂z, ∂C/∂w, and nudges.

    3Blue1Brown writes σ for the activation; a layer bound to ReLU or softmax is named so.
    """

    key: str = "3b1b"
    name: str = "3Blue1Brown"
    source: str = "3Blue1Brown's Neural networks videos, chapter 4: Backpropagation calculus"
    loss_letter: str = "C"
    generic: ClassVar[str] = "σ"

    words: ClassVar[dict[str, str]] = {
        "input": "input a⁽⁰⁾",
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
    letters: ClassVar[tuple[tuple[str, str], ...]] = (
        (r"(?<![A-Za-z_])o(?=ₖ)", "a"), (r"(?<![A-Za-z_])t(?=ₖ)", "y"),
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
    """The notation called ``key``, bound to a network's depth, activation names and loss."""
    return get(key).bound(net.depth, [None] + [f.name for f in net.activations[1:]], net.loss.name)


# --- the phase panel's sentences in the other notations ----------------------------------
# {f} is the layer's activation (σ, ReLU, softmax…); {error} what the output error is, for the loss.

PHASE_TEXT = {
    "udacity": {
        "forward": "Forward, layer {l}: each neuron sums its weighted inputs, h = Σ w·x + b, then applies "
                   "its activation, output = {f}(h). Values travel left to right along the edges.",
        "loss": "The loss: the output ŷ is compared with the target y. {error} It is where the backward "
                "pass starts.",
        "backward": "Backward, layer {l}: the errors travel right to left along the same edges. Each edge "
                    "scales what passes through it by its weight, {by}: {became}.",
        "update": "Update, layer {l}: every weight moves by η · del_w, w ← w + η · del_w, where "
                  "del_w = error_term · x. Edges change thickness and colour; the halo shows the change.",
    },
    "3b1b": {
        "forward": "Forward, layer {l}: each neuron takes a weighted sum, z = w·a + b, and {squish}, "
                   "a = {f}(z). Values travel left to right along the edges.",
        "loss": "The cost C: how far the output is from what we wanted. ∂C/∂a, how C reacts to a nudge "
                "of each output, is where the backward pass starts.",
        "backward": "Backward, layer {l}: ∂C/∂a travels right to left along the same edges. Each edge "
                    "scales it by its weight, {by}: ∂C/∂a becomes ∂C/∂z, the chain rule one link at a time.",
        "update": "Update, layer {l}: every weight gets a nudge, −η ∂C/∂w, down the slope of the cost. "
                  "Edges change thickness and colour; the halo shows the nudge.",
    },
}
MIRROR_TEXT = {
    "udacity": {
        "backward": "In the mirror, this is a forward pass: the inputs are the error_terms of layer {n}, "
                    "the weights are the same weights read backward, and {f}′(h) is applied like an "
                    "activation. Its output is the hidden_error_term of layer {l}.",
        "update": "The mirror's prediction: the change to every weight, Δw = η · del_w.",
        "last": "In the mirror, this is the input layer: its inputs are the output errors ({error_short}), and "
                "each output neuron applies {f}′(h) like an activation. Its output is the output_error_term "
                "of layer {l}{term_short}.",
    },
    "3b1b": {
        "backward": "In the mirror, this is a forward pass: the inputs are ∂C/∂z of layer {n}, the weights "
                    "are Wᵀ, and {f}′(z) is applied like an activation. Its output is ∂C/∂z of layer {l}.",
        "update": "The mirror's prediction: the nudge to every weight, −η ∂C/∂w.",
        "last": "In the mirror, this is the input layer: its inputs are ∂C/∂a at the output, and each "
                "output neuron applies {f}′(z) like an activation. Its output is ∂C/∂z of layer {l}.",
    },
}
UDACITY_LOSS_TEXT = {  # the loss phase's sentence, and the output errors in a few words
    "squared_error": ("Udacity's error, y − ŷ, is the textbook's ∂E/∂ŷ with the sign flipped.", "y − ŷ", ""),
    "cross_entropy": (
        ("Udacity's error is −∂E/∂ŷ, the textbook's ∂E/∂ŷ with the sign flipped: for cross-entropy that is "
         "y / ŷ, not y − ŷ (y − ŷ is squared error's). Udacity's code skips it and starts from "
         "output_error_term = y − ŷ, the textbook's δ with the sign flipped."),
        "−∂E/∂ŷ = y / ŷ", ", which cross-entropy makes y − ŷ"),
    "binary_cross_entropy": (
        ("Udacity's error is −∂E/∂ŷ, the textbook's ∂E/∂ŷ with the sign flipped: for cross-entropy that is "
         "(y − ŷ) / (ŷ(1 − ŷ)), not y − ŷ. Udacity's code skips it and starts from "
         "output_error_term = y − ŷ, the textbook's δ with the sign flipped."),
        "−∂E/∂ŷ = (y − ŷ) / (ŷ(1 − ŷ))", ", which cross-entropy makes y − ŷ"),
}


def phase_text(notation: Notation, kind: str, layer: int | None, last: bool) -> tuple[str, str] | None:
    """The phase panel's sentence and mirror reading in this notation, or None for the textbook's own."""
    texts = PHASE_TEXT.get(notation.key)
    if texts is None or kind not in texts:
        return None
    mirrors = MIRROR_TEXT[notation.key]
    mirror = mirrors.get("last" if kind == "backward" and last else kind, "")
    loss_text, error_short, term_short = UDACITY_LOSS_TEXT.get(notation.loss_function,
                                                               UDACITY_LOSS_TEXT["squared_error"])
    f = notation.function(layer)
    if f == "f":
        f = notation.generic
    h = notation.z_letter
    by = (f"the output layer applies {f}′({h}), a Jacobian that mixes every output's error"
          if notation.is_softmax(layer) else f"each neuron multiplies by {f}′({h})")
    if not last:
        became = f"its hidden_error becomes its hidden_error_term = hidden_error · {f}′({h})"
    elif notation.loss_function in CROSS_ENTROPIES:
        became = "its error becomes its output_error_term, which cross-entropy makes y − ŷ"
    else:
        became = f"its error becomes its output_error_term = error · {f}′({h})"
    fields = {
        "l": layer, "n": (layer or 0) + 1, "f": f, "error": loss_text, "error_short": error_short,
        "term_short": term_short, "by": by, "became": became,
        "squish": "squishes it" if f == "σ" else "applies its activation",
    }
    return texts[kind].format(**fields), mirror.format(**fields)
