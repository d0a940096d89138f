"""MathML built on the server: a few builders that return safe markup for the templates.

    math(subsup(mi("z"), mn("1"), layer(2)), mo("="), num(0.3775))

The browser lays MathML Core out itself, with the vendored STIX Two Math font
(static/fonts/math.css); there is no math JavaScript. Every number of the network goes
through ``num``: it prints ``explain.format_number``'s text and keeps the exact float in
``data-value``, so a test can compare what is shown with the trace, digit for digit.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from app.explain import MINUS, format_number

DIGITS = 4  # significant digits of a number inside a formula


def element(tag: str, *children, **attributes) -> Markup:
    """<tag attributes>children</tag>; strings are escaped, Markup is kept."""
    attrs = "".join(
        f' {name.rstrip("_").replace("_", "-")}="{escape(value)}"'
        for name, value in attributes.items()
        if value is not None and value is not False
    )
    return Markup(f"<{tag}{attrs}>") + Markup("").join(escape(c) for c in children) + Markup(f"</{tag}>")


def math(*children, display: str | None = None, **attributes) -> Markup:
    """A whole <math> element (inline unless display="block")."""
    return element("math", *children, display=display, **attributes)


def row(*children, **attributes) -> Markup:
    return element("mrow", *children, **attributes)


def mi(name: str, **attributes) -> Markup:
    """An identifier; one letter is italic, a word (``error_term``) upright."""
    return element("mi", name, **attributes)


def mo(op: str, **attributes) -> Markup:
    return element("mo", op, **attributes)


def mn(text: str, **attributes) -> Markup:
    return element("mn", text, **attributes)


def mtext(text: str, **attributes) -> Markup:
    return element("mtext", text, **attributes)


def sub(base, index) -> Markup:
    return element("msub", base, index)


def sup(base, exponent) -> Markup:
    return element("msup", base, exponent)


def subsup(base, index, exponent) -> Markup:
    return element("msubsup", base, index, exponent)


def frac(numerator, denominator) -> Markup:
    return element("mfrac", numerator, denominator)


def under(base, script) -> Markup:
    return element("munder", base, script)


def fenced(*children, open_: str = "(", close: str = ")") -> Markup:
    """children in brackets that stretch to their height."""
    return row(mo(open_), *children, mo(close))


def num(x: float, digits: int = DIGITS, paren: bool = False, **attributes) -> Markup:
    """A number as an <mn>, the exact value kept in data-value; ``paren`` puts a negative one in brackets."""
    text = format_number(x, digits)
    number = mn(text, data_value=repr(float(x)), **attributes)
    return fenced(number) if paren and text.startswith(MINUS) else number


def layer(l: int | str) -> Markup:
    """The layer superscript "(2)", or "(l)" for a letter."""
    inner = mn(str(l)) if str(l).isdigit() else mi(str(l))
    return row(mo("(", stretchy="false"), inner, mo(")", stretchy="false"))


def index(*indices: int | str) -> Markup:
    """A 1-based neuron subscript from 0-based indices, "12" or "1,10" (with a comma past 9)."""
    numbers = [str(i + 1) if isinstance(i, int) else i for i in indices]
    if len(numbers) == 1:
        return mn(numbers[0]) if numbers[0].isdigit() else mi(numbers[0])
    parts = [mn(n) if n.isdigit() else mi(n) for n in numbers]
    if any(len(n) > 1 for n in numbers):
        joined = [parts[0]]
        for p in parts[1:]:
            joined += [mo(",", separator="true"), p]
        return row(*joined)
    return mn("".join(numbers)) if all(n.isdigit() for n in numbers) else row(*parts)


def join(parts, op: str = "+") -> Markup:
    """parts with an operator between them, in one row."""
    out = []
    for i, part in enumerate(parts):
        if i:
            out.append(mo(op))
        out.append(part)
    return row(*out)


def dot() -> Markup:
    return mo("·")


def sigma(below: str) -> Markup:
    """Σ with its index below (beside it, inline)."""
    return under(mo("∑"), mi(below))
