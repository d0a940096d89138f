"""The code panel: the real source of app/network.py, the current phase's lines lit, the selection's element named.

The source is read from the imported module (``inspect.getsource``), so what the panel shows
is what runs. The lines of a phase come from ``explain.code_lines``; the line of one number
from its Explanation's ``code``. Under the lines that compute a quantity, a note in the chosen
notation says what the line is called there ("Udacity: error_term = error * f′(h) = −delta[l]"),
and under the selected number's line, which array element it is and its value in this step.
"""

from __future__ import annotations

import inspect
import io
import keyword
import token
import tokenize
from dataclasses import dataclass, field
from functools import lru_cache

from markupsafe import Markup, escape

from app import explain, network
from app.explain import format_number
from app.inspector import Inspection, Line
from app.mathml import DIGITS
from app.notation import Notation
from app.trace import StepTrace

# The quantities whose lines get a note in the chosen notation, and where to find one number of each.
GLOSSED = {
    "z": ("forward", (0,)), "a": ("forward", (0,)), "error": ("backward", (0,)),
    "f_prime": ("backward", (0,)), "error_term": ("backward", (0,)), "grad_weights": ("backward", (0, 0)),
    "grad_biases": ("backward", (0,)), "new_weights": ("update", (0, 0)), "new_biases": ("update", (0,)),
}
_statements: dict[str, str] = {}  # quantity -> its statement(s), learnt from explain


def statements(trace: StepTrace) -> dict[str, str]:
    """The statement(s) of app/network.py behind each glossed quantity (the same for every trace)."""
    if not _statements:
        for quantity, (kind, index) in GLOSSED.items():
            phase = next(p for p in trace.phases if p.kind == kind)
            if phase.values.get("activation") == "softmax" and quantity == "f_prime":
                index = (0, 0)
            _statements[quantity] = explain.explain(phase, quantity, index, step=trace).code
    return _statements


def expression(statement: str, quantity: str, output_layer: bool) -> str:
    """The part of a statement that makes the number: the right-hand side, or the appended value."""
    code = statement.split("#")[0].strip()
    if code.endswith(")") and ".append(" in code:
        return code[code.index(".append(") + 8 : -1]
    if " = " not in code:
        return code
    rhs = code.split(" = ", 1)[1]
    if quantity == "error" and " if " in rhs and " else " in rhs:
        chosen, rest = rhs.split(" if ", 1)
        return chosen if output_layer else rest.split(" else ", 1)[1]
    return rhs


@lru_cache(maxsize=1)
def source() -> tuple[str, ...]:
    """The lines of app/network.py, as imported."""
    return tuple(inspect.getsource(network).splitlines())


@lru_cache(maxsize=1)
def token_kinds() -> tuple[tuple[str, ...], ...]:
    """Per line, per character: "k" keyword, "s" string, "n" number, "c" comment or "" (Python's own tokenizer)."""
    lines = source()
    kinds: list[list[str]] = [[""] * len(line) for line in lines]
    for tok in tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline):
        kind = _kind(tok)
        (r1, c1), (r2, c2) = tok.start, tok.end
        for r in range(r1, min(r2, len(lines)) + 1) if kind else ():
            row = kinds[r - 1]
            for c in range(c1 if r == r1 else 0, min(c2 if r == r2 else len(row), len(row))):
                row[c] = kind
    return tuple(tuple(k) for k in kinds)


def _kind(tok: tokenize.TokenInfo) -> str:
    if tok.type == token.COMMENT:
        return "c"
    if tok.type == token.STRING:
        return "s"
    if tok.type == token.NUMBER:
        return "n"
    if tok.type == token.NAME and keyword.iskeyword(tok.string):
        return "k"
    return ""


def render(number: int, marked: tuple[int, int] | None = None) -> Markup:
    """Source line ``number`` as HTML, coloured, with the characters ``marked`` (start, end) in a <mark>."""
    line, kinds = source()[number - 1], token_kinds()[number - 1]
    out, start = [], 0
    cuts = {0, len(line)} | ({*marked} if marked else set())
    for c in range(1, len(line) + 1):
        if c in cuts or c == len(line) or kinds[c] != kinds[start]:
            text = escape(line[start:c])
            out.append(Markup(f'<span class="{kinds[start]}">{text}</span>') if kinds[start] else text)
            if marked and c == marked[0]:
                out.append(Markup("<mark>"))
            if marked and c == marked[1]:
                out.append(Markup("</mark>"))
            start = c
    if marked and marked[0] == 0:
        out.insert(0, Markup("<mark>"))
    return Markup("").join(out)


@lru_cache(maxsize=1)
def coloured() -> tuple[Markup, ...]:
    """Every source line as HTML, without marks."""
    return tuple(render(n) for n in range(1, len(source()) + 1))


@lru_cache(maxsize=128)
def line_of(text: str) -> int | None:
    """The 1-based number of the line whose code (comments aside) is ``text`` (None when the source moved on)."""
    wanted = text.split("#")[0].strip()
    hits = [n for n, line in enumerate(source(), start=1) if line.split("#")[0].strip() == wanted]
    return hits[0] if len(hits) == 1 else None


# --- the panel ------------------------------------------------------------------------------


@dataclass
class CodeLine:
    number: int | None  # None: a note, not a line of the source
    html: Markup
    classes: str = ""


@dataclass
class CodePanel:
    lines: list[CodeLine] = field(default_factory=list)
    phase_title: str = ""
    first_lit: int | None = None  # the line to scroll to
    summary: str = ""


def element_text(line: Line, depth: int) -> str:
    """The array element behind an inspector line, as NumPy writes it, e.g. "delta[1][2]"."""
    l, *ix = line.at or (None,)
    j = ix[0] if ix else None
    i = ix[1] if len(ix) > 1 else None
    return {
        "z": f"z[{l}][{j}] = W[{l}][{j}, :] @ a[{l - 1 if l else 0}] + b[{l}][{j}]",
        "weight": f"W[{l}][{j}, {i}]",
        "a": f"a[{l}][{j}]" if l == 0 else f"a[{l}][{j}] = f[{l}].f(z[{l}])[{j}]",
        "loss": f"E = self.loss.value(a[{depth}], t)",
        "error": (f"error[{l}][{j}] = self.loss.error(a[{depth}], t)[{j}]" if l == depth
                  else f"error[{l}][{j}] = W[{(l or 0) + 1}][:, {j}] @ delta[{(l or 0) + 1}]"),
        "f_prime": f"f_prime[{l}][{j}]",
        "error_term": f"delta[{l}][{j}] = f_prime[{l}][{j}] * error[{l}][{j}]",
        "grad_weights": f"grad_W[{l}][{j}, {i}] = delta[{l}][{j}] * a[{(l or 1) - 1}][{i}]",
        "grad_biases": f"grad_b[{l}][{j}] = delta[{l}][{j}]",
        "new_weights": f"new_W[{l}][{j}, {i}] = W[{l}][{j}, {i}] + dW[{l}][{j}, {i}]",
        "new_biases": f"new_b[{l}][{j}] = b[{l}][{j}] + db[{l}][{j}]",
    }.get(line.quantity, "")


def code_panel(trace: StepTrace, cursor_phase: int, notation: Notation, inspection: Inspection | None) -> CodePanel:
    """The source with the cursor's phase lit, glosses in the notation, and the selection's element named.

    ``inspection`` is the selection's, in the textbook notation: the arrays hold the textbook's numbers.
    """
    depth = (len(trace.phases) - 1) // 3
    lines, coloured_lines = source(), coloured()
    lit: set[int] = set()
    title = "the sample is ready: nothing computed yet"
    if cursor_phase >= 0:
        phase = trace.phases[cursor_phase]
        loss_function = trace.phases[depth].values["loss_function"] if phase.kind == "loss" else None
        first, last, _ = explain.code_lines(phase.kind, loss_function)
        lit = set(range(first, last + 1))
        title = phase.title

    glosses: dict[int, str] = {}
    for quantity, statement in statements(trace).items():
        for code in statement.splitlines()[-1:]:
            if number := line_of(code):
                glosses[number] = notation.gloss_for(quantity)
    glosses[explain.code_lines("loss")[0]] = notation.gloss_for("loss")

    marks: dict[int, list[str]] = {}
    elements: dict[int, list[str]] = {}
    for line in (inspection.lines if inspection else []):
        if line.quantity == "loss":
            first = explain.code_lines("loss", trace.phases[depth].values["loss_function"])[0]
            found = [(first, "")]
        else:
            layer = line.at[0] if line.at else None
            found = [(line_of(code), expression(code, line.quantity, layer == depth)) for code in line.code.splitlines()]
        found = [(number, expr) for number, expr in found if number]
        for number, expr in found:
            marks.setdefault(number, []).append(expr)
        shown = element_text(line, depth)
        if shown and found:
            value = "" if line.value is None else f"  →  {format_number(line.value, DIGITS)}"
            elements.setdefault(found[-1][0], []).append(shown + value)

    panel = CodePanel(phase_title=title)
    for number, (raw, html) in enumerate(zip(lines, coloured_lines), start=1):
        classes = []
        if number in lit:
            classes.append("lit")
        for expr in marks.get(number, [])[:1]:
            if expr and expr in raw:
                html = render(number, (raw.index(expr), raw.index(expr) + len(expr)))
            classes.append("selected")
        panel.lines.append(CodeLine(number, html, " ".join(dict.fromkeys(classes))))
        if number in lit and panel.first_lit is None:
            panel.first_lit = number
        indent = raw[: len(raw) - len(raw.lstrip())]
        if glosses.get(number):
            panel.lines.append(CodeLine(None, escape(f"{indent}# {glosses[number]}"), "gloss"))
        for shown in elements.get(number, []):
            panel.lines.append(CodeLine(None, escape(f"{indent}# ↳ {shown}"), "element"))
    if inspection and inspection.lines and inspection.selection.kind in ("node", "edge"):
        panel.summary = "Marked: the expression that computed the selected number, and its array element (0-based)."
    return panel
