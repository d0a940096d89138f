"""The inspector: a selected neuron, weight or phase as formulas, in symbols and with this step's numbers.

    δ₁⁽¹⁾ = (w₁₁⁽²⁾ δ₁⁽²⁾ + w₂₁⁽²⁾ δ₂⁽²⁾) · σ′(z₁⁽¹⁾) = (0.4 · 0.1385 + 0.5 · (−0.0381)) · 0.2413 = 0.00877

A selection is "phase", "node-L-J" or "edge-L-J-I" (the SVG ids; layer L, neuron J, source
neuron I, 0-based). A neuron or weight is explained by the latest phase, up to the cursor,
that computed one of its numbers. Every number is read from the step's trace (through
app/explain.py where it explains that number), printed by ``mathml.num`` with its exact value
beside it, and shown in the chosen notation: Udacity's error, error term and del_w are the
trace's numbers with the sign flipped (``Notation.sign``). Nothing here computes a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup

from app import explain
from app import mathml as m
from app.notation import Notation, superscript
from app.trace import Phase, StepTrace

MAX_TERMS = 8  # a longer sum shows its first terms, the selected one, and its last
MAX_ROWS = 12  # neurons listed for a whole phase
SPACE = "\u00a0"  # MathML trims plain spaces at the ends of an <mtext>; a no-break space stays


# --- what is selected, and which phase explains it ----------------------------------------


@dataclass(frozen=True)
class Selection:
    """A neuron (layer, j), a weight (layer, j, i: from neuron i of layer-1 to neuron j), or the phase."""

    kind: str  # "node", "edge", "phase" or "none"
    layer: int = 0
    j: int = 0
    i: int = 0

    @property
    def id(self) -> str:
        if self.kind == "node":
            return f"node-{self.layer}-{self.j}"
        if self.kind == "edge":
            return f"edge-{self.layer}-{self.j}-{self.i}"
        return self.kind


def parse_selection(text: str | None, sizes: list[int]) -> Selection:
    """The selection named by an SVG id ("node-1-2", "edge-2-0-3") or "phase"; "none" when it does not fit."""
    text = (text or "").strip()
    if text == "phase":
        return Selection("phase")
    L = len(sizes) - 1
    if found := re.fullmatch(r"node-(\d+)-(\d+)", text):
        l, j = map(int, found.groups())
        if l <= L and j < sizes[l]:
            return Selection("node", l, j)
    if found := re.fullmatch(r"edge-(\d+)-(\d+)-(\d+)", text):
        l, j, i = map(int, found.groups())
        if 1 <= l <= L and j < sizes[l] and i < sizes[l - 1]:
            return Selection("edge", l, j, i)
    return Selection("none")


def phase_index(kind: str, layer: int | None, L: int) -> int:
    """The index of a phase in a step of 3L + 1 phases: forward 1..L, loss, backward L..1, update 1..L."""
    if kind == "forward":
        return layer - 1
    if kind == "loss":
        return L
    if kind == "backward":
        return L + 1 + (L - layer)
    return 2 * L + layer


def explaining_phase(sel: Selection, cursor_phase: int, L: int) -> int | None:
    """The latest phase up to the cursor that computed a number of the selection (None: not yet)."""
    if sel.kind == "phase":
        return cursor_phase if cursor_phase >= 0 else None
    l = sel.layer
    if sel.kind == "node":
        if l == 0:
            return None
        candidates = [phase_index("forward", l, L), phase_index("backward", l, L), phase_index("update", l, L)]
        if l == L:
            candidates.append(phase_index("loss", None, L))
    elif sel.kind == "edge":
        candidates = [phase_index("forward", l, L), phase_index("backward", l, L), phase_index("update", l, L)]
        if l >= 2:
            candidates.append(phase_index("backward", l - 1, L))
    else:
        return None
    done = [p for p in candidates if p <= cursor_phase]
    return max(done) if done else None


# --- equations ----------------------------------------------------------------------------


@dataclass
class Line:
    """One equation, ``lhs = formula = filled = result``: symbols, this step's numbers, the trace's number.

    ``formula`` and ``filled`` are lists of pieces; each piece after the first starts with its
    operator, and each is typeset as its own <math>, so a long sum wraps between terms. ``prose``
    is words in place of a formula ("from the loss"): HTML text beside the maths, so it wraps.
    """

    words: str
    lhs: Markup
    formula: list[Markup]
    filled: list[Markup]
    value: float | None  # the number shown as the result (the trace's, times the notation's sign)
    quantity: str = ""  # the explain quantity, for the code panel
    at: tuple = ()  # (layer, *index) of the array element, for the code panel
    code: str = ""  # the statement(s) of app/network.py that computed it (explain's)
    arrow: bool = False  # "←" (an assignment: the update) instead of "="
    note: str = ""
    highlight: int | None = None  # the piece of formula/filled that belongs to the selected weight
    prose: str = ""  # words in place of a formula, after "lhs ="

    @property
    def result(self) -> Markup:
        return m.num(self.value, class_="result") if self.value is not None else Markup("")

    def html(self) -> Markup:
        """The equation as wrapping <math> chunks."""
        op = "←" if self.arrow else "="
        chunks = [m.math(self.lhs, class_="lhs")]
        if self.prose:
            chunks.append(m.math(infix(op), class_="piece"))
            chunks.append(m.element("span", self.prose, class_="prose"))
        for part_index, pieces in enumerate((self.formula, self.filled)):
            for k, piece in enumerate(pieces):
                lead = infix(op) if k == 0 else Markup("")
                cls = "piece" + (" this-term" if k == self.highlight else "") + (" filled" if part_index else "")
                chunks.append(m.math(lead, piece, class_=cls))
        if self.value is not None:
            chunks.append(m.math(infix("="), self.result, class_="piece answer"))
        return Markup('<span class="eq">') + Markup("").join(chunks) + Markup("</span>")


def sum_pieces(terms: list[Markup], keep: int | None = None) -> tuple[list[Markup], int | None]:
    """Terms as pieces of a sum ("+" before all but the first), shortened past MAX_TERMS.

    Returns the pieces and the position of term ``keep`` among them (the selected weight's
    term stays visible).
    """
    n = len(terms)
    if n <= MAX_TERMS:
        shown = list(range(n))
    else:
        shown = sorted({0, 1, 2, n - 1} | ({keep} if keep is not None else set()))
    pieces, where, previous = [], None, -1
    for k in shown:
        if k > previous + 1:
            pieces.append(m.row(infix("+"), m.mi("⋯"), m.mtext(f"{SPACE}{k - previous - 1} more{SPACE}")))
        if k == keep:
            where = len(pieces)
        pieces.append(terms[k] if not pieces else m.row(infix("+"), terms[k]))
        previous = k
    return pieces, where


def infix(op: str) -> Markup:
    """An operator that opens a piece of a wrapped formula, spaced as between two operands."""
    return m.mo(op, form="infix")


def bracketed(pieces: list[Markup], after: Markup) -> list[Markup]:
    """(pieces) after: brackets around a sum of pieces, the pieces kept apart so the sum can wrap."""
    if len(pieces) == 1:
        return [m.row(m.fenced(pieces[0]), after)]
    return [m.row(m.mo("("), pieces[0]), *pieces[1:-1], m.row(pieces[-1], m.mo(")")), after]


def log() -> Markup:
    """"log" followed by the invisible function application, so it is spaced as a function."""
    return m.row(m.mi("log"), m.mo("\u2061"))


def product(*factors: Markup) -> Markup:
    out = []
    for k, f in enumerate(factors):
        if k:
            out.append(m.dot())
        out.append(f)
    return m.row(*out)


# --- the inspection -------------------------------------------------------------------------


@dataclass
class Related:
    """Weights or neurons to select from the inspector: the first few as buttons, the rest behind "N more"."""

    title: str
    items: list[tuple[str, str]]  # (selection id, label)
    note: str = ""

    @property
    def shown(self) -> int:
        """How many are buttons from the start: all of a short list, MAX_TERMS of a long one."""
        return len(self.items) if len(self.items) <= MAX_TERMS + 2 else MAX_TERMS

    @property
    def first(self) -> list[tuple[str, str]]:
        return self.items[: self.shown]

    @property
    def rest(self) -> list[tuple[str, str]]:
        return self.items[self.shown :]


@dataclass
class Inspection:
    """What the inspector shows for a selection at a cursor."""

    selection: Selection
    title: str
    explained_by: str = ""  # the phase whose numbers are shown, e.g. "backward, layer 1"
    now: str = ""  # the cursor's phase, when it differs
    lines: list[Line] = field(default_factory=list)
    vector: list[Line] = field(default_factory=list)  # a whole phase in vector form (symbols only)
    mirror_text: str = ""
    mirror: list[tuple[Line, Line]] = field(default_factory=list)  # (forward reading, mirror reading)
    bridge: list[Line] = field(default_factory=list)  # this notation against the textbook
    related: list[Related] = field(default_factory=list)  # connected weights or neurons, to select
    pending: str = ""  # nothing computed yet: what will be
    notes: list[str] = field(default_factory=list)


class Inspector:
    """Builds the Inspection of one selection in one step's trace."""

    def __init__(self, trace: StepTrace, notation: Notation, class_names=(), feature_names=()):
        self.trace = trace
        self.L = (len(trace.phases) - 1) // 3
        self.n = notation
        self.s = notation.sign
        self.class_names = tuple(class_names)
        self.feature_names = tuple(feature_names)

    # names for people
    def layer_name(self, l: int) -> str:
        return "input layer" if l == 0 else ("output layer" if l == self.L else f"hidden layer {l}")

    def the_layer(self, l: int) -> str:
        """"the input layer", "hidden layer 2", "the output layer": a layer's name inside a sentence."""
        return self.layer_name(l) if 0 < l < self.L else "the " + self.layer_name(l)

    def neuron_name(self, l: int, j: int) -> str:
        name = f"{self.layer_name(l)}, neuron {j + 1}"
        if l == self.L and j < len(self.class_names):
            name += f" ({self.class_names[j]})"
        if l == 0 and j < len(self.feature_names):
            name += f" ({self.feature_names[j]})"
        return name

    def phase(self, kind: str, layer: int | None = None) -> Phase:
        return self.trace.phases[phase_index(kind, layer, self.L)]

    def values(self, kind: str, layer: int | None = None) -> dict:
        return self.phase(kind, layer).values

    def ex(self, phase: Phase, quantity: str, *index: int) -> explain.Explanation:
        return explain.explain(phase, quantity, index, step=self.trace)

    # --- entry point
    def inspect(self, sel: Selection, cursor_phase: int) -> Inspection:
        titles = [p.title for p in self.trace.phases]
        now = titles[cursor_phase] if cursor_phase >= 0 else "sample ready at the input"
        p = explaining_phase(sel, cursor_phase, self.L)
        if sel.kind == "none":
            return Inspection(sel, "Nothing selected")
        if sel.kind == "phase":
            if p is None:
                return self.ready(sel, now)
            out = self.whole_phase(self.trace.phases[p])
        elif sel.kind == "node" and sel.layer == 0:
            out = self.input_node(sel)
        elif p is None:
            out = self.not_yet(sel)
        else:
            phase = self.trace.phases[p]
            out = (self.node if sel.kind == "node" else self.edge)(sel, phase)
            out.explained_by = phase.title
        if p is not None and p != cursor_phase:
            out.now = now
        if sel.kind == "phase" and p is not None:
            out.explained_by = self.trace.phases[p].title
        if sel.kind == "node":
            out.related = self.connections(sel.layer, sel.j)
        return out

    # --- neurons
    def node(self, sel: Selection, phase: Phase) -> Inspection:
        l, j = sel.layer, sel.j
        out = Inspection(sel, self.neuron_name(l, j))
        if phase.kind == "forward":
            out.lines = [self.z_line(l, j), self.a_line(l, j)]
        elif phase.kind == "loss":
            out.lines = [self.loss_line(), self.output_error_line(j)]
            out.bridge = self.error_bridge(l, j)
        elif phase.kind == "backward":
            out.lines = [self.error_line(l, j), *self.f_prime_lines(l, j), self.term_line(l, j),
                         self.grad_b_line(l, j)]
            out.mirror_text, out.mirror = self.mirror_reading(l, j)
            out.bridge = self.error_bridge(l, j) + self.term_bridge(l, j)
        else:
            out.lines = [self.new_b_line(l, j)]
            out.notes.append("Its incoming weights move in the same update: select one to see its step.")
        return out

    def input_node(self, sel: Selection) -> Inspection:
        j = sel.j
        x = self.trace.input[j]
        line = Line("input", self.n.a(0, j), [], [], float(x), "a", (0, j))
        out = Inspection(sel, self.neuron_name(0, j), lines=[line])
        out.notes.append("An input neuron holds the sample's scaled feature: it computes nothing, and it has "
                         "no error term. It is the a⁽⁰⁾ that every first-layer weight's gradient is multiplied by.")
        return out

    def not_yet(self, sel: Selection) -> Inspection:
        out = Inspection(sel, self.neuron_name(sel.layer, sel.j) if sel.kind == "node" else self.weight_name(sel))
        l = sel.layer
        out.pending = f"Not computed yet in this step: it is computed in phase “forward, layer {l}”."
        if sel.kind == "edge":
            w = self.values("forward", l)["weights"][sel.j][sel.i]
            code = self.ex(self.phase("forward", l), "z", sel.j).code
            out.lines = [Line(self.n.word("weight", l), self.n.w(l, sel.j, sel.i), [], [], float(w), "weight",
                              (l, sel.j, sel.i), code=code)]
            out.pending = f"The weight as this step starts; it takes part in this step from “forward, layer {l}”."
        return out

    def ready(self, sel: Selection, now: str) -> Inspection:
        out = Inspection(sel, "The sample, ready at the input", explained_by=now)
        x = self.trace.input
        if self.n.a(0) != m.mi("x"):  # Udacity already calls the input x
            out.vector = [Line("input", self.n.a(0), [m.mi("x")], [], None)]
        for i in range(min(len(x), MAX_ROWS)):
            out.lines.append(Line(self.feature(i), self.n.a(0, i), [], [], float(x[i]), "a", (0, i)))
        if len(x) > MAX_ROWS:
            out.notes.append(f"… and {len(x) - MAX_ROWS} more inputs.")
        return out

    def feature(self, i: int) -> str:
        return self.feature_names[i] if i < len(self.feature_names) else f"input {i + 1}"

    # --- weights
    def weight_name(self, sel: Selection) -> str:
        l, j, i = sel.layer, sel.j, sel.i
        return f"weight from {self.layer_name(l - 1)} neuron {i + 1} to {self.layer_name(l)} neuron {j + 1}"

    def edge(self, sel: Selection, phase: Phase) -> Inspection:
        l, j, i = sel.layer, sel.j, sel.i
        out = Inspection(sel, self.weight_name(sel))
        if phase.kind == "forward":
            line = self.z_line(l, j, keep=i)
            out.lines = [line]
            out.notes.append(f"This weight's term of the sum is highlighted: it carries the activation of "
                             f"neuron {i + 1} into neuron {j + 1}.")
        elif phase.kind == "backward" and phase.layer == l:
            out.lines = [self.grad_w_line(l, j, i)]
            out.bridge = self.grad_bridge(l, j, i)
        elif phase.kind == "backward":
            out.lines = [self.error_line(l - 1, i, keep=j)]
            out.mirror_text = (f"In the mirror this weight carries neuron {j + 1}'s error term back to neuron "
                               f"{i + 1}: the same weight, read as entry ({i + 1}, {j + 1}) of Wᵀ.")
        else:
            out.lines = [self.new_w_line(l, j, i)]
        out.related = [Related("the neurons it joins", [(f"node-{l}-{j}", f"to: {self.neuron_name(l, j)}"),
                                                         (f"node-{l - 1}-{i}", f"from: {self.neuron_name(l - 1, i)}")])]
        return out

    def connections(self, l: int, j: int) -> list[Related]:
        """Neuron j's incoming weights (its forward sum) and outgoing weights (the mirror's, for its error)."""
        sizes = [len(self.trace.input)] + [len(self.values("forward", k)["z"]) for k in range(1, self.L + 1)]
        out = []
        if l >= 1:
            out.append(Related(f"{sizes[l - 1]} incoming weights, from {self.the_layer(l - 1)}",
                               [(f"edge-{l}-{j}-{i}", f"from neuron {i + 1}") for i in range(sizes[l - 1])],
                               "they carry the forward pass into this neuron's sum"))
        if l < self.L:
            out.append(Related(f"{sizes[l + 1]} outgoing weights, to {self.the_layer(l + 1)}",
                               [(f"edge-{l + 1}-{k}-{j}", f"to neuron {k + 1}") for k in range(sizes[l + 1])],
                               "the mirror's weights: they carry the next layer's error terms back into this "
                               "neuron's error"))
        return out

    # --- the lines, one per quantity
    def z_line(self, l: int, j: int, keep: int | None = None) -> Line:
        n, e = self.n, self.ex(self.phase("forward", l), "z", j)
        b = self.values("forward", l)["biases"][j]
        sym = [product(n.w(l, j, i), n.a(l - 1, i)) for i in range(len(e.terms))]
        num = [product(m.num(t.coefficient, paren=True), m.num(t.value, paren=True)) for t in e.terms]
        formula, where = sum_pieces(sym, keep)
        filled, _ = sum_pieces(num, keep)
        formula.append(m.row(infix("+"), n.b(l, j)))
        filled.append(m.row(infix("+"), m.num(b, paren=True)))
        return Line(n.word("z", l), n.z(l, j), formula, filled, e.result, "z", (l, j), highlight=where, code=e.code)

    def a_line(self, l: int, j: int) -> Line:
        n, v = self.n, self.values("forward", l)
        e = self.ex(self.phase("forward", l), "a", j)
        name, z = v["activation"], v["z"]
        if name == "softmax":
            K = range(len(z))
            formula = [m.frac(m.sup(m.mi("e"), n.z(l, j)), m.join([m.sup(m.mi("e"), n.z(l, k)) for k in K]))]
            filled = [m.frac(m.sup(m.mi("e"), m.num(z[j])), m.join([m.sup(m.mi("e"), m.num(z[k], paren=True))
                                                                    for k in K]))]
        elif name == "sigmoid":
            formula = [n.f(l, n.z(l, j)), m.row(m.mo("="), m.frac(m.mn("1"), m.row(
                m.mn("1"), m.mo("+"), m.sup(m.mi("e"), m.row(m.mo("−"), n.z(l, j))))))]
            filled = [m.frac(m.mn("1"), m.row(m.mn("1"), m.mo("+"), m.sup(m.mi("e"), m.row(
                m.mo("−"), m.num(z[j], paren=True)))))]
        elif name == "identity":
            formula, filled = [n.z(l, j)], [m.num(z[j])]
        else:
            formula, filled = [n.f(l, n.z(l, j))], [m.row(m.mi(n.function(l)), m.fenced(m.num(z[j])))]
        return Line(n.word("a", l), n.a(l, j), formula, filled, e.result, "a", (l, j), note=self.n.say(e.note), code=e.code)

    def loss_line(self) -> Line:
        n, phase = self.n, self.phase("loss")
        v, e = phase.values, self.ex(phase, "loss")
        o, t, name = v["output"], v["target"], v["loss_function"]
        K = range(len(o))
        y = self.target_symbol
        if name == "squared_error":
            def term(tk, ok):
                return m.sup(m.fenced(m.row(tk, m.mo("−"), ok)), m.mn("2"))
            sym = [term(y(k), n.a(self.L, k)) for k in K]
            num = [term(m.num(t[k]), m.num(o[k], paren=True)) for k in K]
            formula = [m.row(m.frac(m.mn("1"), m.mn("2")), m.fenced(*sum_pieces(sym)[0]))]
            filled = [m.row(m.frac(m.mn("1"), m.mn("2")), m.fenced(*sum_pieces(num)[0]))]
        elif name == "cross_entropy":
            sym = [product(y(k), m.row(log(), n.a(self.L, k))) for k in K]
            num = [product(m.num(t[k]), m.row(log(), m.num(o[k]))) for k in K]
            formula = [m.row(m.mo("−"), m.fenced(*sum_pieces(sym)[0]))]
            filled = [m.row(m.mo("−"), m.fenced(*sum_pieces(num)[0]))]
        else:
            def term(tk, ok):
                return m.row(tk, log(), ok, m.mo("+"), m.fenced(m.row(m.mn("1"), m.mo("−"), tk)),
                             log(), m.fenced(m.row(m.mn("1"), m.mo("−"), ok)))
            formula = [m.row(m.mo("−"), m.fenced(*sum_pieces([term(y(k), n.a(self.L, k)) for k in K])[0]))]
            filled = [m.row(m.mo("−"), m.fenced(*sum_pieces([term(m.num(t[k]), m.num(o[k])) for k in K])[0]))]
        return Line("loss", n.loss(), formula, filled, e.result, "loss", (self.L,), note=self.n.say(e.note), code=e.code)

    def target_symbol(self, k: int) -> Markup:
        letter = "y" if self.n.key == "udacity" or self.n.key == "3b1b" else "t"
        return m.sub(m.mi(letter), m.index(k))

    def output_error_line(self, k: int) -> Line:
        """∂E/∂a_k of the output, from the loss (Udacity: error = −∂E/∂ŷ, the same number negated)."""
        n, phase = self.n, self.phase("loss")
        v, e = phase.values, self.ex(phase, "error", k)
        name, o, t, L = v["loss_function"], v["output"], v["target"], self.L
        ok, tk = n.a(L, k), self.target_symbol(k)
        on, tn = m.num(o[k], paren=True), m.num(t[k], paren=True)
        flip = self.s < 0
        if name == "squared_error":
            formula = [m.row(tk, m.mo("−"), ok)] if flip else [m.row(ok, m.mo("−"), tk)]
            filled = [m.row(tn, m.mo("−"), on)] if flip else [m.row(on, m.mo("−"), tn)]
        elif name == "cross_entropy":
            lead = [] if flip else [m.mo("−")]
            formula = [m.row(*lead, m.frac(tk, ok))]
            filled = [m.row(*lead, m.frac(m.num(t[k]), m.num(o[k])))]
        else:
            top_s = m.row(tk, m.mo("−"), ok) if flip else m.row(ok, m.mo("−"), tk)
            top_n = m.row(tn, m.mo("−"), on) if flip else m.row(on, m.mo("−"), tn)
            formula = [m.frac(top_s, m.row(ok, m.dot(), m.fenced(m.row(m.mn("1"), m.mo("−"), ok))))]
            filled = [m.frac(top_n, m.row(on, m.dot(), m.fenced(m.row(m.mn("1"), m.mo("−"), on))))]
        return Line(n.word("error", L), n.error(L, k), formula, filled, self.s * e.result, "error", (L, k),
                    note=self.n.say(e.note), code=e.code)

    def error_line(self, l: int, j: int, keep: int | None = None) -> Line:
        """∂E/∂a_j of layer l in the backward pass: the loss's at the output, else the mirror's weighted sum."""
        n = self.n
        phase = self.phase("backward", l)
        e = self.ex(phase, "error", j)
        if l == self.L:
            return Line(n.word("error", l), n.error(l, j), [], [], self.s * e.result, "error", (l, j), prose="from the loss",
                        note="the output error: the input of the mirrored network", code=e.code)
        sym = [product(n.w(l + 1, k, j), n.term(l + 1, k)) for k in range(len(e.terms))]
        num = [product(m.num(t.coefficient, paren=True), m.num(self.s * t.value, paren=True)) for t in e.terms]
        formula, where = sum_pieces(sym, keep)
        filled, _ = sum_pieces(num, keep)
        return Line(n.word("error", l), n.error(l, j), formula, filled, self.s * e.result, "error", (l, j),
                    highlight=where, code=e.code)

    def f_prime_lines(self, l: int, j: int) -> list[Line]:
        n, phase = self.n, self.phase("backward", l)
        name = phase.values["activation"]
        if name == "softmax":
            return []  # its derivative is a Jacobian: the error term's line shows the sum over it
        e = self.ex(phase, "f_prime", j)
        fwd = self.values("forward", l)
        a, z = n.a(l, j), n.z(l, j)
        an, zn = m.num(fwd["a"][j], paren=True), m.num(fwd["z"][j])
        one = m.mn("1")
        formula, filled = {
            "sigmoid": ([product(a, m.fenced(m.row(one, m.mo("−"), a)))],
                        [product(an, m.fenced(m.row(one, m.mo("−"), an)))]),
            "tanh": ([m.row(one, m.mo("−"), m.sup(a, m.mn("2")))], [m.row(one, m.mo("−"), m.sup(an, m.mn("2")))]),
            "relu": ([m.row(m.mn("1"), m.mtext(SPACE + "if" + SPACE), z, m.mo(">"), m.mn("0"), m.mtext(", else 0"))],
                     [m.row(m.mn("1"), m.mtext(SPACE + "if" + SPACE), zn, m.mo(">"), m.mn("0"), m.mtext(", else 0"))]),
            "leaky_relu": ([m.row(m.mn("1"), m.mtext(SPACE + "if" + SPACE), z, m.mo(">"), m.mn("0"), m.mtext(", else 0.01"))],
                           [m.row(m.mn("1"), m.mtext(SPACE + "if" + SPACE), zn, m.mo(">"), m.mn("0"), m.mtext(", else 0.01"))]),
            "identity": ([one], []),
        }[name]
        return [Line(n.word("f_prime", l), n.f_prime(l, j), formula, filled, e.result, "f_prime", (l, j),
                     note=self.n.say(e.note), code=e.code)]

    def term_line(self, l: int, j: int) -> Line:
        """δ_j = ∂E/∂a_j · f′(z_j); below the output, the sum written out inside: the issue's example."""
        n, phase = self.n, self.phase("backward", l)
        v, e = phase.values, self.ex(phase, "error_term", j)
        s = self.s
        if l == self.L and n.output_term_is_y_minus_y_hat():
            return self.y_minus_y_hat_line(j, e)
        if v["activation"] == "softmax":
            sym = [product(m.frac(m.row(m.mo("∂"), n.a(l, k)), m.row(m.mo("∂"), n.z(l, j))), n.error(l, k))
                   for k in range(len(e.terms))]
            num = [product(m.num(t.coefficient, paren=True), m.num(s * t.value, paren=True)) for t in e.terms]
            return Line(n.word("error_term", l), n.term(l, j), sum_pieces(sym)[0], sum_pieces(num)[0],
                        s * e.result, "error_term", (l, j), note=self.n.say(e.note), code=e.code)
        f_prime = v["f_prime"][j]
        if l < self.L:  # the sum written out inside the brackets, each term its own piece
            error = self.error_line(l, j)
            formula = bracketed(error.formula, m.row(infix("·"), n.f_prime(l, j)))
            filled = bracketed(error.filled, m.row(infix("·"), m.num(f_prime, paren=True)))
        else:
            formula = [product(n.error(l, j), n.f_prime(l, j))]
            filled = [product(m.num(s * v["error"][j], paren=True), m.num(f_prime, paren=True))]
        return Line(n.word("error_term", l), n.term(l, j), formula, filled, s * e.result, "error_term",
                    (l, j), note=self.n.say(e.note), code=e.code)

    def y_minus_y_hat_line(self, j: int, e: explain.Explanation) -> Line:
        """Udacity's output_error_term after cross-entropy, y − ŷ, as its code writes it: the trace's δ, sign flipped."""
        n, L, loss = self.n, self.L, self.values("loss")
        t, o = loss["target"], loss["output"]
        formula = [m.row(self.target_symbol(j), m.mo("−"), n.a(L, j))]
        filled = [m.row(m.num(t[j], paren=True), m.mo("−"), m.num(o[j], paren=True))]
        f = n.function(L)
        chain = ("Σₖ ∂ŷₖ/∂hⱼ · errorₖ, through softmax's Jacobian" if n.is_softmax(L)
                 else f"error · {f}′(h) = (y − ŷ) / (ŷ(1 − ŷ)) · ŷ(1 − ŷ)")
        note = (f"cross-entropy after {f}: Udacity's code writes output_error_term = y − ŷ directly. The chain "
                f"rule, {chain}, comes out as the same number: the engine's δ = ŷ − y, sign flipped.")
        return Line(n.word("error_term", L), n.term(L, j), formula, filled, self.s * e.result, "error_term", (L, j),
                    note=note, code=e.code)

    def grad_b_line(self, l: int, j: int) -> Line:
        n, e = self.n, self.ex(self.phase("backward", l), "grad_biases", j)
        return Line(n.word("bias_gradient", l), n.grad_b(l, j), [n.term(l, j)], [], self.s * e.result, "grad_biases", (l, j),
                    note="a bias is a weight on a constant input 1", code=e.code)

    def grad_w_line(self, l: int, j: int, i: int) -> Line:
        n, e = self.n, self.ex(self.phase("backward", l), "grad_weights", j, i)
        v = self.values("backward", l)
        formula = [product(n.term(l, j), n.a(l - 1, i))]
        filled = [product(m.num(self.s * v["error_term"][j], paren=True), m.num(v["activations_in"][i], paren=True))]
        return Line(n.word("gradient", l), n.grad_w(l, j, i), formula, filled, self.s * e.result, "grad_weights",
                    (l, j, i), note=self.n.say(e.note), code=e.code)

    def update_pieces(self, old: Markup, old_n: float, grad: Markup, grad_n: float) -> tuple[list, list]:
        op = self.n.update_sign()
        eta = self.values("update", 1)["learning_rate"]
        formula = [m.row(old, m.mo(op), product(self.n.eta(), grad))]
        filled = [m.row(m.num(old_n, paren=True), m.mo(op), product(m.num(eta), m.num(self.s * grad_n, paren=True)))]
        return formula, filled

    def new_w_line(self, l: int, j: int, i: int) -> Line:
        n, v = self.n, self.values("update", l)
        e = self.ex(self.phase("update", l), "new_weights", j, i)
        formula, filled = self.update_pieces(n.w(l, j, i), v["weights"][j][i], n.grad_w(l, j, i), v["grad_weights"][j][i])
        return Line("the update", n.w(l, j, i), formula, filled, e.result, "new_weights", (l, j, i), arrow=True,
                    note=n.word("update_rule", l), code=e.code)

    def new_b_line(self, l: int, j: int) -> Line:
        n, v = self.n, self.values("update", l)
        e = self.ex(self.phase("update", l), "new_biases", j)
        formula, filled = self.update_pieces(n.b(l, j), v["biases"][j], n.grad_b(l, j), v["grad_biases"][j])
        return Line("the update", n.b(l, j), formula, filled, e.result, "new_biases", (l, j), arrow=True,
                    note=n.word("update_rule", l), code=e.code)

    # --- the mirror reading
    def mirror_reading(self, l: int, j: int) -> tuple[str, list[tuple[Line, Line]]]:
        """The backward neuron read as a forward one: inputs the errors, weights the same weights read backward."""
        n = self.n
        forward = Line("forward", n.z(l, j), [m.row(m.sigma("i"),
                                                     product(n.w(l, j, "i"), n.a(l - 1, "i")), m.mo("+"), n.b(l, j))],
                       [], None)
        activation = Line("forward", n.a(l, j), [n.f(l, n.z(l, j))], [], None)
        term = Line("mirror", n.term(l, j), [product(n.f_prime(l, j), n.error(l, j))], [], None)
        if l == self.L:
            source = Line("mirror", n.error(l, j), [], [], None, prose="the loss's derivative: the mirror's input")
            text = (f"In the mirror, neuron {j + 1} of the output layer is an input neuron: it receives the output "
                    f"error and applies {n.function(l)}′ where the forward pass applied {n.function(l)}.")
        else:
            source = Line("mirror", n.error(l, j), [m.row(m.sigma("k"), product(
                n.w(l + 1, "k", j), n.term(l + 1, "k")))], [], None)
            text = (f"In the mirror, neuron {j + 1} is a feed-forward neuron: its inputs are the error terms of "
                    f"layer {l + 1}, its weights are the weights that leave it (row {j + 1} of W{superscript(f'({l + 1})')}ᵀ), and "
                    f"its activation multiplies by {n.function(l)}′({n.z_letter}) where the forward pass applied "
                    f"{n.function(l)}.")
        return text, [(forward, source), (activation, term)]

    # --- this notation against the textbook (Udacity's sign flip, spelled out)
    def _bridge(self, lhs: Markup, textbook: Markup, value: float, quantity: str) -> list[Line]:
        if self.s > 0:
            return []
        return [Line("the textbook's number, sign flipped", lhs, [m.row(m.mo("−"), textbook)],
                     [m.row(m.mo("−"), m.fenced(m.num(value)))], -value, quantity)]

    def error_bridge(self, l: int, j: int) -> list[Line]:
        if l == self.L:
            value = self.values("loss")["error"][j]
        else:
            value = self.values("backward", l)["error"][j]
        textbook = m.frac(m.row(m.mo("∂"), m.mi("E")), m.row(m.mo("∂"), m.subsup(m.mi("a"), m.index(j), m.layer(l))))
        return self._bridge(self.n.error(l, j), textbook, value, "error")

    def term_bridge(self, l: int, j: int) -> list[Line]:
        value = self.values("backward", l)["error_term"][j]
        return self._bridge(self.n.term(l, j), m.subsup(m.mi("δ"), m.index(j), m.layer(l)), value, "error_term")

    def grad_bridge(self, l: int, j: int, i: int) -> list[Line]:
        value = self.values("backward", l)["grad_weights"][j][i]
        textbook = m.frac(m.row(m.mo("∂"), m.mi("E")), m.row(m.mo("∂"), m.subsup(m.mi("w"), m.index(j, i), m.layer(l))))
        return self._bridge(self.n.grad_w(l, j, i), textbook, value, "grad_weights")

    # --- a whole phase
    def whole_phase(self, phase: Phase) -> Inspection:
        n, l, v = self.n, phase.layer, phase.values
        out = Inspection(Selection("phase"), phase.title[0].upper() + phase.title[1:])
        if phase.kind == "forward":
            out.vector = [
                Line("", n.z(l), [m.row(n.W(l), n.a(l - 1), m.mo("+"), n.b(l))], [], None),
                Line("", n.a(l), [n.f(l, n.z(l))], [], None),
            ]
            rows = range(min(len(v["z"]), MAX_ROWS))
            out.lines = [line for j in rows for line in (self.z_line(l, j), self.a_line(l, j))]
            self.more(out, len(v["z"]))
        elif phase.kind == "loss":
            out.lines = [self.loss_line()] + [self.output_error_line(k) for k in range(min(len(v["error"]), MAX_ROWS))]
            self.more(out, len(v["error"]))
        elif phase.kind == "backward":
            source = [] if l == self.L else [m.row(n.W(l + 1, transposed=True), n.term(l + 1))]
            out.vector = [
                Line("", n.error(l), source, [], None, prose="from the loss" if l == self.L else ""),
                Line("", n.term(l), [m.row(n.f_prime(l), m.mo("⊙"), n.error(l))], [], None),
                Line("", n.grad_w(l), [m.row(n.term(l), m.sup(n.a(l - 1), m.mi("T", mathvariant="normal")))], [], None),
            ]
            rows = range(min(len(v["error_term"]), MAX_ROWS))
            out.lines = [line for j in rows for line in (self.error_line(l, j), self.term_line(l, j))]
            self.more(out, len(v["error_term"]))
            out.mirror_text = ("The mirror reading: this phase is a feed-forward layer whose inputs are "
                               + ("the output errors" if l == self.L else f"the error terms of layer {l + 1}")
                               + (f", whose weights are W{superscript(f'({l + 1})')}ᵀ" if l < self.L else "")
                               + f", and whose activation multiplies by {n.function(l)}′({n.z_letter}{superscript(f'({l})')}).")
        else:
            op = n.update_sign()
            out.vector = [
                Line("", n.W(l), [m.row(n.W(l), m.mo(op), product(n.eta(), n.grad_w(l)))], [], None, arrow=True),
                Line("", n.b(l), [m.row(n.b(l), m.mo(op), product(n.eta(), n.grad_b(l)))], [], None, arrow=True),
            ]
            rows = range(min(len(v["new_biases"]), MAX_ROWS))
            out.lines = [self.new_b_line(l, j) for j in rows]
            self.more(out, len(v["new_biases"]))
            out.notes.append("Every weight moves the same way: select one, or open the matrices.")
        return out

    def more(self, out: Inspection, count: int) -> None:
        if count > MAX_ROWS:
            out.notes.append(f"The first {MAX_ROWS} of {count} neurons; select any neuron for its own lines.")


def inspect(trace: StepTrace, cursor_phase: int, selection: str, notation: Notation,
            class_names=(), feature_names=(), sizes: list[int] | None = None) -> Inspection:
    """The inspector's content for a selection ("phase", "node-L-J", "edge-L-J-I") at a cursor."""
    sizes = sizes or [len(trace.input)] + [len(p.values["z"]) for p in trace.phases if p.kind == "forward"]
    sel = parse_selection(selection, sizes)
    return Inspector(trace, notation, class_names, feature_names).inspect(sel, cursor_phase)

