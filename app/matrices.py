"""The matrix view: the current phase's computation as the matrix multiplication the code does.

    forward l    W⁽ˡ⁾ (n×m) · a⁽ˡ⁻¹⁾ (m) + b⁽ˡ⁾ (n) = z⁽ˡ⁾ (n),   f(z⁽ˡ⁾) = a⁽ˡ⁾ (n)
    backward l   (W⁽ˡ⁺¹⁾ᵀ (n×k) · δ⁽ˡ⁺¹⁾ (k)) ⊙ f′(z⁽ˡ⁾) (n) = δ⁽ˡ⁾ (n),   δ⁽ˡ⁾ a⁽ˡ⁻¹⁾ᵀ = ∂E/∂W⁽ˡ⁾ (n×m)
    update l     W⁽ˡ⁾ − η ∂E/∂W⁽ˡ⁾ = W⁽ˡ⁾ new (n×m)

Each operand is a bracketed MathML table of the trace's numbers (3 significant digits), its
symbol above and its shape below; big ones show their corners and say what they leave out.
Udacity's error-like operands carry its sign (see app/notation.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from markupsafe import Markup

from app import mathml as m
from app.inspector import Selection
from app.notation import Notation
from app.trace import StepTrace

MAX_ROWS, MAX_COLS = 10, 6  # beyond these, an operand shows its first rows/columns, a gap, and its last
DIGITS = 3


@dataclass
class Operand:
    """A matrix or vector of the trace: its symbol, its values, which layer its rows and columns belong to."""

    name: str  # plain name for tests and labels, e.g. "W", "a", "δ"
    symbol: Markup
    values: np.ndarray  # 2-D: a column vector is (n, 1), a row vector (1, n)
    rows_layer: int | None = None
    cols_layer: int | None = None
    vector: bool = False

    @property
    def shape(self) -> str:
        """"3×5" for a matrix, "5" for a vector (a column; "1×5" for a row)."""
        r, c = self.values.shape
        if self.vector:
            return str(r) if c == 1 else f"1×{c}"
        return f"{r}×{c}"

    def html(self, sel: Selection) -> Markup:
        r, c = self.values.shape
        rows, cols = _shown(r, MAX_ROWS), _shown(c, MAX_COLS)
        table = []
        for i in rows:
            cells = []
            for j in cols:
                if i is None or j is None:
                    gap = "⋱" if i is None and j is None else ("⋮" if i is None else "⋯")
                    cells.append(m.element("mtd", m.mo(gap), class_="gap"))
                    continue
                lit = self.lit(sel, i, j)
                cells.append(m.element("mtd", m.num(self.values[i, j], DIGITS), class_="lit" if lit else None))
            table.append(m.element("mtr", *cells))
        body = m.math(m.row(m.mo("["), m.element("mtable", *table), m.mo("]")), class_="matrix")
        return m.element("span", m.math(self.symbol, class_="symbol"), body,
                         m.element("span", self.shape, class_="shape"),
                         class_="operand", data_name=self.name, data_shape=self.shape)

    def lit(self, sel: Selection, i: int, j: int) -> bool:
        """Whether element (i, j) belongs to the selected neuron (its row or column) or weight."""
        if sel.kind == "node":
            return (self.rows_layer == sel.layer and i == sel.j) or (self.cols_layer == sel.layer and j == sel.j)
        if sel.kind == "edge":
            if self.rows_layer == sel.layer and self.cols_layer == sel.layer - 1:
                return i == sel.j and j == sel.i
            if self.rows_layer == sel.layer - 1 and self.cols_layer == sel.layer:
                return i == sel.i and j == sel.j
        return False


def _shown(n: int, limit: int) -> list[int | None]:
    """The indices shown out of n: all, or the first limit - 2, a gap (None), and the last."""
    if n <= limit:
        return list(range(n))
    return list(range(limit - 2)) + [None, n - 1]


@dataclass
class Equation:
    """Operands with operators between them: each part is an Operand or an operator string."""

    title: str
    parts: list
    note: str = ""

    def html(self, sel: Selection) -> Markup:
        out = []
        for part in self.parts:
            if isinstance(part, Operand):
                out.append(part.html(sel))
            elif isinstance(part, Markup):
                out.append(m.math(part, class_="operator"))
            else:
                out.append(m.math(m.mo(part), class_="operator paren" if part in "()" else "operator"))
        return Markup("").join(out)

    @property
    def operands(self) -> list[Operand]:
        return [p for p in self.parts if isinstance(p, Operand)]


@dataclass
class MatrixView:
    title: str
    equations: list[Equation] = field(default_factory=list)
    note: str = ""


def column(values) -> np.ndarray:
    return np.asarray(values, dtype=float).reshape(-1, 1)


def row(values) -> np.ndarray:
    return np.asarray(values, dtype=float).reshape(1, -1)


def matrix_view(trace: StepTrace, cursor_phase: int, notation: Notation) -> MatrixView:
    """The current phase's computation, as matrices with their shapes and this step's values."""
    n, L, s = notation, (len(trace.phases) - 1) // 3, notation.sign
    if cursor_phase < 0:
        x = Operand("x", n.a(0), column(trace.input), 0, vector=True)
        return MatrixView("The sample, ready at the input", [Equation("the input vector", [x])],
                          "Step forward to see the first layer's matrix product.")
    phase = trace.phases[cursor_phase]
    l, v = phase.layer, phase.values
    view = MatrixView(phase.title[0].upper() + phase.title[1:])
    if phase.kind == "forward":
        W = Operand("W", n.W(l), np.asarray(v["weights"]), l, l - 1)
        a_in = Operand("a", n.a(l - 1), column(v["inputs"]), l - 1, vector=True)
        b = Operand("b", n.b(l), column(v["biases"]), l, vector=True)
        z = Operand("z", n.z(l), column(v["z"]), l, vector=True)
        a = Operand("a", n.a(l), column(v["a"]), l, vector=True)
        view.equations = [
            Equation("the weighted sums: one row of W per neuron", [W, "·", a_in, "+", b, "=", z]),
            Equation(f"the activation, {n.function(l)}, neuron by neuron", [
                Operand("f(z)", n.f(l, n.z(l)), column(v["z"]), l, vector=True), "→", a]),
        ]
        if n.key == "udacity":
            view.note = (f"Udacity's code writes the same product the other way round: np.dot(x, weights) with "
                         f"weights = W.T, shape {W.values.shape[1]}×{W.values.shape[0]}.")
    elif phase.kind == "loss":
        o = Operand("o", n.a(L), column(v["output"]), L, vector=True)
        t = Operand("t", m.mi("y" if n.key != "textbook" else "t"), column(v["target"]), L, vector=True)
        error = Operand("error", n.error(L), column(s * np.asarray(v["error"])), L, vector=True)
        view.equations = [Equation("the output and the target", [o, ",", t]),
                          Equation(f"the output error, where the backward pass starts: {n.word('error', L)}",
                                   [error])]
        view.note = f"loss {n.loss_letter} = {v['loss']:.4g}"
    elif phase.kind == "backward":
        f_prime = np.asarray(v["f_prime"])
        delta = Operand("δ", n.term(l), column(s * np.asarray(v["error_term"])), l, vector=True)
        if "mirror_weights" in v:
            WT = Operand("Wᵀ", n.W(l + 1, transposed=True), np.asarray(v["mirror_weights"]), l, l + 1)
            d_in = Operand("δ", n.term(l + 1), column(s * np.asarray(v["inputs"])), l + 1, vector=True)
            fp = Operand("f′(z)", n.f_prime(l), column(f_prime), l, vector=True)
            first = Equation("the mirror's layer: Wᵀ where forward has W, f′ where forward has f",
                             ["(", WT, "·", d_in, ")", "⊙", fp, "=", delta])
        elif f_prime.ndim == 2:
            J = Operand("J", m.sup(m.mi("J"), m.mi("T", mathvariant="normal")), f_prime.T, l, l)
            err = Operand("error", n.error(l), column(s * np.asarray(v["error"])), l, vector=True)
            first = Equation("softmax couples its outputs: δ is a Jacobian product", [J, "·", err, "=", delta])
        else:
            err = Operand("error", n.error(l), column(s * np.asarray(v["error"])), l, vector=True)
            fp = Operand("f′(z)", n.f_prime(l), column(f_prime), l, vector=True)
            first = Equation("the mirror's input layer: the output error times f′", [err, "⊙", fp, "=", delta])
        a_in = Operand("aᵀ", m.sup(n.a(l - 1), m.mi("T", mathvariant="normal")), row(v["activations_in"]),
                       None, l - 1, vector=True)
        grad = Operand("∂E/∂W", n.grad_w(l), s * np.asarray(v["grad_weights"]), l, l - 1)
        view.equations = [first, Equation("the gradient: an outer product, δ times aᵀ",
                                          [Operand("δ", n.term(l), delta.values, l, vector=True), "·", a_in, "=", grad])]
    else:
        op = n.update_sign()
        eta = float(v["learning_rate"])
        W = Operand("W", n.W(l), np.asarray(v["weights"]), l, l - 1)
        grad = Operand("∂E/∂W", n.grad_w(l), s * np.asarray(v["grad_weights"]), l, l - 1)
        new = Operand("W new", m.row(n.W(l), m.mtext(" new")), np.asarray(v["new_weights"]), l, l - 1)
        view.equations = [Equation(f"every weight steps against its gradient, η = {eta:g}",
                                   [W, op, m.mi("η"), "·", grad, "=", new])]
        b = Operand("b", n.b(l), column(v["biases"]), l, vector=True)
        grad_b = Operand("∂E/∂b", n.grad_b(l), column(s * np.asarray(v["grad_biases"])), l, vector=True)
        new_b = Operand("b new", m.row(n.b(l), m.mtext(" new")), column(v["new_biases"]), l, vector=True)
        view.equations.append(Equation("and every bias", [b, op, m.mi("η"), "·", grad_b, "=", new_b]))
    return view

