"""Server-built MathML: escaped, typed elements; every number keeps its exact value beside its text."""

from markupsafe import Markup

from app import mathml as m
from app.explain import format_number


def test_numbers_print_format_number_and_keep_the_exact_value():
    x = -0.038098236516556236
    html = m.num(x)
    assert html == f'<mn data-value="{x!r}">{format_number(x, 4)}</mn>'
    assert format_number(x, 4) == "−0.0381"


def test_negative_numbers_go_in_brackets_inside_a_product_only_when_asked():
    assert m.num(-2.0, paren=True).startswith("<mrow><mo>(</mo><mn")
    assert m.num(2.0, paren=True).startswith("<mn")


def test_text_is_escaped_and_markup_kept():
    html = m.math(m.mi("a<b"), m.mtext("x & y"), class_="eq")
    assert isinstance(html, Markup)
    assert html == '<math class="eq"><mi>a&lt;b</mi><mtext>x &amp; y</mtext></math>'


def test_layers_and_neurons_as_people_count_them():
    # layer 2 as the superscript "(2)", neuron indices 1-based, a comma once an index reaches 10
    assert m.layer(2) == '<mrow><mo stretchy="false">(</mo><mn>2</mn><mo stretchy="false">)</mo></mrow>'
    assert m.layer("l") == '<mrow><mo stretchy="false">(</mo><mi>l</mi><mo stretchy="false">)</mo></mrow>'
    assert m.index(0, 1) == "<mn>12</mn>"
    assert m.index(0, 9) == '<mrow><mn>1</mn><mo separator="true">,</mo><mn>10</mn></mrow>'
    assert m.index("k", 0) == "<mrow><mi>k</mi><mn>1</mn></mrow>"
