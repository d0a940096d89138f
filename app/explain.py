"""Every number explains itself: each number of a trace phase as a step of a worked example.

In the style of Matt Mazur's "A Step by Step Backpropagation Example", an Explanation gives a
number's symbol, its formula, the same formula with this step's numbers filled in, the number
itself and the line of app/network.py that computed it:

    z¹₁ = w¹₁₁·a⁰₁ + w¹₁₂·a⁰₂ + b¹₁ = 0.15·0.05 + 0.2·0.1 + 0.35 = 0.3775

Notation (the convention of app/network.py): the layer is a superscript, neurons are 1-based
subscripts, and wˡⱼᵢ is the weight from neuron i of layer l−1 to neuron j of layer l, that is
``W[l][j-1, i-1]``. ``Explanation.index`` is 0-based, like the arrays. Subscripts of two
indices are separated by a comma once one of them reaches 10 (w¹₁,₁₀).

``result`` is read from the trace, never recomputed; the formulas only show how the engine got
it. Code lines are looked up in the source of app/network.py by their text, so they follow the
code when it moves. Pure Python and NumPy: nothing here knows about the web.
"""

from __future__ import annotations

import inspect
import math
import textwrap
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from app import network

if TYPE_CHECKING:
    from app.trace import Phase, StepTrace

MAX_TERMS_SHOWN = 8  # a longer sum is written with its first TERMS_WHEN_SHORTENED terms
TERMS_WHEN_SHORTENED = 4

# The quantities each phase kind explains, in the order explain_phase lists them (per neuron).
QUANTITIES: dict[str, tuple[str, ...]] = {
    "forward": ("z", "a"),
    "loss": ("loss", "error"),
    "backward": ("error", "f_prime", "error_term", "grad_weights", "grad_biases"),
    "update": ("new_weights", "new_biases"),
}


@dataclass(frozen=True)
class Term:
    """One product coefficient·value in a sum, e.g. w¹₁₁·a⁰₁ (forward) or w²₁₁·δ²₁ (the mirror)."""

    coefficient: float
    value: float
    coefficient_symbol: str
    value_symbol: str


@dataclass(frozen=True)
class Explanation:
    """One number of a phase: ``symbol = formula = filled = result``, and the code that computed it."""

    quantity: str  # "z", "a", "loss", "error", "f_prime", "error_term", "grad_weights", ...
    layer: int | None
    index: tuple[int, ...]  # 0-based: (j,) for neuron j, (j, i) for the weight from i to j
    symbol: str  # e.g. "z¹₁", "w²₁₂", "δ²₁", "∂E/∂w¹₁₁", "w¹₁₁⁺" (after the update)
    formula: str  # in symbols, e.g. "w¹₁₁·a⁰₁ + w¹₁₂·a⁰₂ + b¹₁"
    filled: str  # the same with this step's numbers, e.g. "0.15·0.05 + 0.2·0.1 + 0.35"
    result: float  # exactly the trace's number
    code: str  # the statement(s) of app/network.py that computed it
    terms: tuple[Term, ...] = ()  # the products of a sum (every one, also when the text is shortened)
    note: str = ""  # the rule behind the formula, e.g. "σ′(z) = a·(1 − a)"


# --- numbers and symbols ----------------------------------------------------------------

_SUPERSCRIPT = str.maketrans("0123456789+-()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
MINUS = "\u2212"
THOUSANDS = "\u202f"  # narrow no-break space: "12 346", never confused with the comma of a list


def format_number(x: float, digits: int = 4) -> str:
    """x for people: ``digits`` significant digits, "−" (U+2212) for minus, no "-0".

    - 1e-4 <= |x| < 1e6: plain decimals, rounded to ``digits`` significant digits, trailing
      zeros dropped; integer digits are never rounded away, and groups of three are separated
      by a narrow space (U+202F):  0.000123456 -> "0.0001235", 0.5 -> "0.5",
      12345.678 -> "12 346", -2.0 -> "−2".
    - |x| < 1e-4 or |x| >= 1e6: scientific, ``digits`` significant digits:
      0.0000123456 -> "1.235×10⁻⁵", 1234567 -> "1.235×10⁶".
    - 0 and -0 -> "0"; NaN -> "NaN"; ±infinity -> "∞", "−∞".
    """
    if digits < 1:
        raise ValueError("digits must be 1 or more")
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "∞" if x > 0 else MINUS + "∞"
    if x == 0:
        return "0"
    sign = MINUS if x < 0 else ""
    m = abs(x)
    if m < 1e-4 or m >= 1e6:
        mantissa, exponent = f"{m:.{digits - 1}e}".split("e")
        return f"{sign}{_trim(mantissa)}×10{str(int(exponent)).translate(_SUPERSCRIPT)}"
    places = max(digits - 1 - math.floor(math.log10(m)), 0)
    return sign + _trim(f"{m:,.{places}f}").replace(",", THOUSANDS)


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def _sup(n: int) -> str:
    return str(n).translate(_SUPERSCRIPT)


def _sub(*indices: int) -> str:
    """0-based indices as a 1-based subscript: (0, 1) -> "₁₂", (0, 9) -> "₁,₁₀"."""
    numbers = [str(i + 1) for i in indices]
    joiner = "," if any(len(n) > 1 for n in numbers) else ""
    return joiner.join(numbers).translate(_SUBSCRIPT)


def _a(l: int, j: int) -> str:
    return f"a{_sup(l)}{_sub(j)}"


def _z(l: int, j: int) -> str:
    return f"z{_sup(l)}{_sub(j)}"


def _w(l: int, j: int, i: int) -> str:
    return f"w{_sup(l)}{_sub(j, i)}"


def _b(l: int, j: int) -> str:
    return f"b{_sup(l)}{_sub(j)}"


def _delta(l: int, j: int) -> str:
    return f"δ{_sup(l)}{_sub(j)}"


def _error(l: int, j: int) -> str:
    return f"∂E/∂{_a(l, j)}"


def _sum(parts: list[str]) -> str:
    """parts joined by " + "; a sum of more than MAX_TERMS_SHOWN parts ends "… + 60 more terms"."""
    if len(parts) <= MAX_TERMS_SHOWN:
        return " + ".join(parts)
    shown = parts[:TERMS_WHEN_SHORTENED]
    return " + ".join(shown) + f" + … + {len(parts) - len(shown)} more terms"


# --- the activations and losses, as people write them -----------------------------------

FUNCTION_NAMES = {
    "sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "leaky ReLU", "identity": "id", "softmax": "softmax",
}
FUNCTION_RULES = {
    "sigmoid": "σ(z) = 1 / (1 + e^(−z))",
    "tanh": "tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z))",
    "relu": "ReLU(z) = max(0, z)",
    "leaky_relu": "leaky ReLU(z) = z if z > 0, else 0.01·z",
    "identity": "identity: a = z",
    "softmax": "softmax: aⱼ = exp(zⱼ) / Σₖ exp(zₖ)",
}
DERIVATIVE_RULES = {
    "sigmoid": "σ′(z) = σ(z)·(1 − σ(z)) = a·(1 − a)",
    "tanh": "tanh′(z) = 1 − tanh²(z) = 1 − a²",
    "relu": "ReLU′(z) = 1 if z > 0, else 0",
    "leaky_relu": "leaky ReLU′(z) = 1 if z > 0, else 0.01",
    "identity": "id′(z) = 1",
    "softmax": "softmax′: ∂aₖ/∂zⱼ = aₖ·(1 − aₖ) if k = j, else −aₖ·aⱼ (a Jacobian)",
}
LOSS_RULES = {
    "squared_error": "squared error: E = ½ Σₖ (tₖ − oₖ)²,  ∂E/∂oₖ = oₖ − tₖ",
    "cross_entropy": "cross-entropy: E = −Σₖ tₖ log oₖ,  ∂E/∂oₖ = −tₖ / oₖ",
    "binary_cross_entropy": (
        "binary cross-entropy: E = −Σₖ [tₖ log oₖ + (1 − tₖ) log(1 − oₖ)],  ∂E/∂oₖ = (oₖ − tₖ) / (oₖ·(1 − oₖ))"
    ),
}


# --- the code that computed each number --------------------------------------------------

_MARKERS = {
    "z": "z.append(W[l] @ a[l - 1] + b[l])",
    "a": "a.append(f[l].f(z[l]))",
    "error": "error[l] = self.loss.error(a[L], t) if l == L else W[l + 1].T @ delta[l + 1]",
    "f_prime": "f_prime[l] = f[l].derivative(z[l], a[l])",
    "error_term": "delta[l] = f[l].backward(f_prime[l], error[l])",
    "grad_weights": "grad_W[l] = delta[l][:, None] * a[l - 1]",
    "grad_biases": "grad_b[l] = delta[l]",
    "delta_weights": "dW = [None] + [-eta * g for g in back.grad_weights[1:]]",
    "delta_biases": "db = [None] + [-eta * g for g in back.grad_biases[1:]]",
    "new_weights": "new_W = [None] + [W + d for W, d in zip(self.weights[1:], dW[1:])]",
    "new_biases": "new_b = [None] + [b + d for b, d in zip(self.biases[1:], db[1:])]",
}
_PHASE_FIRST_LAST = {
    "forward": ("for l in range(1, self.depth + 1):", _MARKERS["a"]),
    "backward": ("for l in range(L, 0, -1):", _MARKERS["grad_biases"]),
    "update": (_MARKERS["delta_weights"], _MARKERS["new_biases"]),
}


@lru_cache(maxsize=1)
def _network_source() -> tuple[str, ...]:
    return tuple(inspect.getsource(network).splitlines())


@cache
def _line_of(text: str) -> int:
    """The 1-based line number of the one line of app/network.py that contains ``text``."""
    hits = [n for n, line in enumerate(_network_source(), start=1) if text in line]
    if len(hits) != 1:
        raise LookupError(f"app/explain.py expects one line of app/network.py to contain {text!r}, found {len(hits)}")
    return hits[0]


def _block_end(start: int) -> int:
    """The last line of the bracketed expression that opens on line ``start``."""
    depth, lines = 0, _network_source()
    for n in range(start, len(lines) + 1):
        code = lines[n - 1].split("#")[0]
        depth += sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}")
        if depth <= 0:
            return n
    return len(lines)


def _text(first: int, last: int) -> str:
    return textwrap.dedent("\n".join(_network_source()[first - 1 : last])).strip()


@cache
def code_lines(kind: str, loss_function: str | None = None) -> tuple[int, int, str]:
    """(first line, last line, their text) of the statements in app/network.py that compute a phase.

    ``kind`` is "forward", "loss", "backward" or "update". For "loss", name the loss function
    ("squared_error", "cross_entropy", "binary_cross_entropy") to get its own entry of LOSSES,
    or none for the whole table.
    """
    if kind == "loss":
        first = _line_of(f'"{loss_function}": Loss(' if loss_function else "LOSSES: dict[str, Loss] = {")
        last = _block_end(first)
    elif kind in _PHASE_FIRST_LAST:
        first_text, last_text = _PHASE_FIRST_LAST[kind]
        first, last = _line_of(first_text), _line_of(last_text)
    else:
        raise ValueError(f"unknown phase kind {kind!r}: choose one of forward, loss, backward, update")
    return first, last, _text(first, last)


@cache
def _code(quantity: str) -> str:
    if quantity in ("new_weights", "new_biases"):
        step = "delta_weights" if quantity == "new_weights" else "delta_biases"
        return _text(_line_of(_MARKERS[step]), _line_of(_MARKERS[step])) + "\n" + _text(
            _line_of(_MARKERS[quantity]), _line_of(_MARKERS[quantity])
        )
    n = _line_of(_MARKERS[quantity])
    return _text(n, n)


# --- explaining ---------------------------------------------------------------------------


def explain_phase(phase: Phase, *, digits: int = 4, step: StepTrace | None = None) -> list[Explanation]:
    """Every number the phase computed, neuron by neuron, in the order of a worked example.

    forward: z, a per neuron; loss: E, then ∂E/∂oₖ; backward: per neuron ∂E/∂a, f′, δ, ∂E/∂w
    for each incoming weight, ∂E/∂b; update: per neuron the new weights, the new bias. Pass
    the phase's ``step`` to fill in f′ from the forward pass (a and z are not in the backward phase).
    """
    explainer = _Explainer(phase, digits, step)
    return [explainer.explain(q, index) for q, index in _indices(phase)]


def explain(
    phase: Phase, quantity: str, index: tuple[int, ...], *, digits: int = 4, step: StepTrace | None = None
) -> Explanation:
    """The explanation of one number: ``quantity`` (see QUANTITIES) at the 0-based ``index``."""
    if quantity not in QUANTITIES.get(phase.kind, ()):
        raise ValueError(
            f"a {phase.kind} phase has no {quantity!r}: choose one of {', '.join(QUANTITIES.get(phase.kind, ()))}"
        )
    index = tuple(int(i) for i in index)
    if index not in {i for q, i in _indices(phase) if q == quantity}:
        raise IndexError(f"{phase.title} has no {quantity} at index {index}")
    return _Explainer(phase, digits, step).explain(quantity, index)


def _indices(phase: Phase) -> list[tuple[str, tuple[int, ...]]]:
    """(quantity, index) of every number of the phase, in explain_phase's order."""
    v = phase.values
    if phase.kind == "forward":
        return [(q, (j,)) for j in range(len(v["z"])) for q in ("z", "a")]
    if phase.kind == "loss":
        return [("loss", ())] + [("error", (k,)) for k in range(len(v["error"]))]
    if phase.kind == "backward":
        n, n_in = len(v["error_term"]), len(v["activations_in"])
        jacobian = v["activation"] == "softmax"
        out = []
        for j in range(n):
            out.append(("error", (j,)))
            out += [("f_prime", (k, j)) for k in range(n)] if jacobian else [("f_prime", (j,))]
            out.append(("error_term", (j,)))
            out += [("grad_weights", (j, i)) for i in range(n_in)]
            out.append(("grad_biases", (j,)))
        return out
    if phase.kind == "update":
        n_out, n_in = len(v["weights"]), len(v["weights"][0])
        return [
            item
            for j in range(n_out)
            for item in [("new_weights", (j, i)) for i in range(n_in)] + [("new_biases", (j,))]
        ]
    raise ValueError(f"unknown phase kind {phase.kind!r}")


def summary(phase: Phase) -> str:
    """The phase as one line of vector math, e.g. "z¹ = W¹·a⁰ + b¹,  a¹ = σ(z¹)"."""
    l, v = phase.layer, phase.values
    if phase.kind == "forward":
        f = FUNCTION_NAMES[v["activation"]]
        return f"z{_sup(l)} = W{_sup(l)}·a{_sup(l - 1)} + b{_sup(l)},  a{_sup(l)} = {f}(z{_sup(l)})"
    if phase.kind == "loss":
        return LOSS_RULES[v["loss_function"]]
    if phase.kind == "backward":
        f = FUNCTION_NAMES[v["activation"]]
        error = f"∂E/∂a{_sup(l)}"
        delta = (
            f"δ{_sup(l)} = J{_sup(l)}ᵀ·{error}"
            if v["activation"] == "softmax"
            else f"δ{_sup(l)} = {error} ⊙ {f}′(z{_sup(l)})"
        )
        grads = f"∂E/∂W{_sup(l)} = δ{_sup(l)}·a{_sup(l - 1)}ᵀ,  ∂E/∂b{_sup(l)} = δ{_sup(l)}"
        if "mirror_weights" in v:
            return (
                f"{error} = W{_sup(l + 1)}ᵀ·δ{_sup(l + 1)},  {delta},  {grads}  "
                f"(the forward pass in a mirror: inputs δ{_sup(l + 1)}, weights W{_sup(l + 1)}ᵀ, "
                f"{f}′(z{_sup(l)}) where forward has {f})"
            )
        return (
            f"{error} = ∂E/∂o,  {delta},  {grads}  "
            f"(the mirrored network's input is the output error; {f}′(z{_sup(l)}) where forward has {f})"
        )
    if phase.kind == "update":
        eta = format_number(v["learning_rate"])
        return f"W{_sup(l)} ← W{_sup(l)} − η·∂E/∂W{_sup(l)},  b{_sup(l)} ← b{_sup(l)} − η·∂E/∂b{_sup(l)}  (η = {eta})"
    raise ValueError(f"unknown phase kind {phase.kind!r}")


class _Explainer:
    """Builds the Explanations of one phase; ``digits`` significant digits in ``filled``."""

    def __init__(self, phase: Phase, digits: int, step: StepTrace | None):
        self.phase, self.v, self.l = phase, phase.values, phase.layer
        self.digits = digits
        self.step = step

    def explain(self, quantity: str, index: tuple[int, ...]) -> Explanation:
        return getattr(self, f"_{self.phase.kind}_{quantity}")(*index)

    # numbers
    def n(self, x: Any) -> str:
        """A number as written inside a formula: negative ones in parentheses."""
        text = format_number(x, self.digits)
        return f"({text})" if text.startswith(MINUS) else text

    def alone(self, x: Any) -> str:
        """A number that is the whole of ``filled``: no parentheses."""
        return format_number(x, self.digits)

    def made(self, quantity, index, symbol, formula, filled, result, terms=(), note="", code=None):
        return Explanation(
            quantity, self.l, index, symbol, formula, filled, float(result),
            code if code is not None else _code(quantity), tuple(terms), note,
        )

    def forward_values(self) -> dict | None:
        """The values of the forward phase of this layer, when the step is known."""
        if self.step is None or self.l is None:
            return None
        return self.step.phases[self.step.phase_index("forward", self.l)].values

    def loss_function(self) -> str | None:
        if self.step is None:
            return None
        return self.step.phases[self.step.phase_index("loss")].values["loss_function"]

    # forward
    def _forward_z(self, j: int) -> Explanation:
        l, W, x, b = self.l, self.v["weights"], self.v["inputs"], self.v["biases"]
        terms = [Term(float(W[j][i]), float(x[i]), _w(l, j, i), _a(l - 1, i)) for i in range(len(x))]
        formula = _sum([f"{t.coefficient_symbol}·{t.value_symbol}" for t in terms]) + f" + {_b(l, j)}"
        filled = _sum([f"{self.n(t.coefficient)}·{self.n(t.value)}" for t in terms]) + f" + {self.n(b[j])}"
        return self.made("z", (j,), _z(l, j), formula, filled, self.v["z"][j], terms)

    def _forward_a(self, j: int) -> Explanation:
        l, name, z = self.l, self.v["activation"], self.v["z"]
        if name == "identity":
            formula, filled = _z(l, j), self.alone(z[j])
        elif name == "softmax":
            k_all = range(len(z))
            formula = f"exp({_z(l, j)}) / ({_sum([f'exp({_z(l, k)})' for k in k_all])})"
            filled = f"exp({self.alone(z[j])}) / ({_sum([f'exp({self.alone(z[k])})' for k in k_all])})"
        else:
            f = FUNCTION_NAMES[name]
            formula, filled = f"{f}({_z(l, j)})", f"{f}({self.alone(z[j])})"
        return self.made("a", (j,), _a(l, j), formula, filled, self.v["a"][j], note=FUNCTION_RULES[name])

    # loss
    def _loss_loss(self) -> Explanation:
        name, o, t = self.v["loss_function"], self.v["output"], self.v["target"]
        K, n = range(len(o)), self.n
        if name == "squared_error":
            formula = f"½·({_sum([f'(t{_sub(k)} − o{_sub(k)})²' for k in K])})"
            filled = f"½·({_sum([f'({n(t[k])} − {n(o[k])})²' for k in K])})"
        elif name == "cross_entropy":
            formula = f"−({_sum([f't{_sub(k)}·log o{_sub(k)}' for k in K])})"
            filled = f"−({_sum([f'{n(t[k])}·log {n(o[k])}' for k in K])})"
        else:
            formula = "−(" + _sum(
                [f"t{_sub(k)}·log o{_sub(k)} + (1 − t{_sub(k)})·log(1 − o{_sub(k)})" for k in K]
            ) + ")"
            filled = "−(" + _sum([f"{n(t[k])}·log {n(o[k])} + (1 − {n(t[k])})·log(1 − {n(o[k])})" for k in K]) + ")"
        code = code_lines("loss", name)[2]
        return self.made("loss", (), "E", formula, filled, self.v["loss"], note=LOSS_RULES[name], code=code)

    def _loss_error(self, k: int) -> Explanation:
        name, o, t, n = self.v["loss_function"], self.v["output"], self.v["target"], self.n
        ok, tk = f"o{_sub(k)}", f"t{_sub(k)}"
        if name == "squared_error":
            formula, filled = f"{ok} − {tk}", f"{n(o[k])} − {n(t[k])}"
        elif name == "cross_entropy":
            formula, filled = f"−{tk} / {ok}", f"−{n(t[k])} / {n(o[k])}"
        else:
            formula = f"({ok} − {tk}) / ({ok}·(1 − {ok}))"
            filled = f"({n(o[k])} − {n(t[k])}) / ({n(o[k])}·(1 − {n(o[k])}))"
        return self.made("error", (k,), f"∂E/∂{ok}", formula, filled, self.v["error"][k], note=LOSS_RULES[name])

    # backward: the mirror
    def _backward_error(self, j: int) -> Explanation:
        l, v = self.l, self.v
        if "mirror_weights" not in v:
            note = "the output error, from the loss: the input of the mirrored network"
            return self.made("error", (j,), _error(l, j), f"∂E/∂o{_sub(j)}", self.alone(v["error"][j]), v["error"][j],
                             note=note)
        M, d = v["mirror_weights"], v["inputs"]
        terms = [Term(float(M[j][k]), float(d[k]), _w(l + 1, k, j), _delta(l + 1, k)) for k in range(len(d))]
        formula = _sum([f"{t.coefficient_symbol}·{t.value_symbol}" for t in terms])
        filled = _sum([f"{self.n(t.coefficient)}·{self.n(t.value)}" for t in terms])
        note = (
            f"the forward pass in a mirror: inputs δ{_sup(l + 1)}, weights W{_sup(l + 1)}ᵀ "
            "(each neuron's outgoing weights, read backward)"
        )
        return self.made("error", (j,), _error(l, j), formula, filled, v["error"][j], terms, note)

    def _backward_f_prime(self, *index: int) -> Explanation:
        l, name, fwd = self.l, self.v["activation"], self.forward_values()
        value = self.v["f_prime"][index[0]][index[1]] if len(index) == 2 else self.v["f_prime"][index[0]]
        if name == "softmax":
            k, j = index
            symbol = f"∂{_a(l, k)}/∂{_z(l, j)}"
            if k == j:
                formula = f"{_a(l, j)}·(1 − {_a(l, j)})"
                filled = f"{self.n(fwd['a'][j])}·(1 − {self.n(fwd['a'][j])})" if fwd else self.alone(value)
            else:
                formula = f"−{_a(l, k)}·{_a(l, j)}"
                filled = f"−{self.n(fwd['a'][k])}·{self.n(fwd['a'][j])}" if fwd else self.alone(value)
            return self.made("f_prime", (k, j), symbol, formula, filled, value, note=DERIVATIVE_RULES[name])
        (j,) = index
        a, z = _a(l, j), _z(l, j)
        formula, fill = {
            "sigmoid": (f"{a}·(1 − {a})", lambda f: f"{self.n(f['a'][j])}·(1 − {self.n(f['a'][j])})"),
            "tanh": (f"1 − ({a})²", lambda f: f"1 − {self.n(f['a'][j])}²"),
            "relu": (f"1 if {z} > 0, else 0", lambda f: f"1 if {self.n(f['z'][j])} > 0, else 0"),
            "leaky_relu": (f"1 if {z} > 0, else 0.01", lambda f: f"1 if {self.n(f['z'][j])} > 0, else 0.01"),
            "identity": ("1", lambda f: "1"),
        }[name]
        filled = fill(fwd) if fwd else self.alone(value)
        symbol = f"{FUNCTION_NAMES[name]}′({z})"
        return self.made("f_prime", (j,), symbol, formula, filled, value, note=DERIVATIVE_RULES[name])

    def _backward_error_term(self, j: int) -> Explanation:
        l, v, name = self.l, self.v, self.v["activation"]
        if name != "softmax":
            f_prime = f"{FUNCTION_NAMES[name]}′({_z(l, j)})"
            formula = f"{_error(l, j)}·{f_prime}"
            filled = f"{self.n(v['error'][j])}·{self.n(v['f_prime'][j])}"
            note = f"δ = ∂E/∂a · f′(z), the mirror of a = f(z); {DERIVATIVE_RULES[name]}"
            return self.made("error_term", (j,), _delta(l, j), formula, filled, v["error_term"][j], note=note)
        J, e = v["f_prime"], v["error"]
        terms = [
            Term(float(J[k][j]), float(e[k]), f"∂{_a(l, k)}/∂{_z(l, j)}", _error(l, k)) for k in range(len(e))
        ]
        formula = _sum([f"{t.coefficient_symbol}·{t.value_symbol}" for t in terms])
        filled = _sum([f"{self.n(t.coefficient)}·{self.n(t.value)}" for t in terms])
        note = "softmax couples its outputs, so δ is the Jacobian product Jᵀ·∂E/∂a, not an elementwise product"
        if self.loss_function() in (None, "cross_entropy"):
            note += "; with cross-entropy the sum comes out as δ = o − t"
        return self.made("error_term", (j,), _delta(l, j), formula, filled, v["error_term"][j], terms, note)

    def _backward_grad_weights(self, j: int, i: int) -> Explanation:
        l, v = self.l, self.v
        formula = f"{_delta(l, j)}·{_a(l - 1, i)}"
        filled = f"{self.n(v['error_term'][j])}·{self.n(v['activations_in'][i])}"
        note = "the δ of the neuron the weight leads to, times the activation it carries"
        return self.made(
            "grad_weights", (j, i), f"∂E/∂{_w(l, j, i)}", formula, filled, v["grad_weights"][j][i], note=note
        )

    def _backward_grad_biases(self, j: int) -> Explanation:
        l, v = self.l, self.v
        return self.made(
            "grad_biases", (j,), f"∂E/∂{_b(l, j)}", _delta(l, j), self.alone(v["error_term"][j]), v["grad_biases"][j],
            note="a bias is a weight on a constant input 1",
        )

    # update
    def _update_new_weights(self, j: int, i: int) -> Explanation:
        v, w = self.v, _w(self.l, j, i)
        formula = f"{w} − η·∂E/∂{w}"
        filled = f"{self.n(v['weights'][j][i])} − {self.n(v['learning_rate'])}·{self.n(v['grad_weights'][j][i])}"
        return self.made("new_weights", (j, i), f"{w}⁺", formula, filled, v["new_weights"][j][i],
                         note="w ← w − η·∂E/∂w: a step against the gradient")

    def _update_new_biases(self, j: int) -> Explanation:
        v, b = self.v, _b(self.l, j)
        formula = f"{b} − η·∂E/∂{b}"
        filled = f"{self.n(v['biases'][j])} − {self.n(v['learning_rate'])}·{self.n(v['grad_biases'][j])}"
        return self.made("new_biases", (j,), f"{b}⁺", formula, filled, v["new_biases"][j],
                         note="b ← b − η·∂E/∂b")
