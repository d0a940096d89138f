"""The glossary page: every term in every notation, and error vs error term on the learner's own network."""

import re

from app.config import from_query
from app.training import Trainer

QUERY = "dataset=iris&hidden=5&seed=1&step=2&phase=0"


def section(page: str, element_id: str) -> str:
    start = page.index(f'id="{element_id}"')
    return page[start: page.index("</section>", start)]


def test_error_vs_error_term_has_its_own_answer_with_live_numbers(client):
    page = client.get(f"/glossary?{QUERY}").text
    answer = section(page, "error-vs-error-term")
    assert "error term = error × f′(z)" in answer
    assert "sign flipped" in answer
    # the live example: hidden neuron 1 of step 3 (0-based step 2), in each notation, from its trace
    trainer = Trainer(from_query({"dataset": "iris", "hidden": "5", "seed": "1"}))
    trainer.run(2)
    v = next(p for p in trainer.step().phases if p.kind == "backward" and p.layer == 1).values
    examples = re.findall(r'<figure class="example" data-notation="([^"]+)">(.*?)</figure>', answer, re.DOTALL)
    assert [key for key, _ in examples] == ["textbook", "udacity", "3b1b"]
    for key, body in examples:
        results = [float(x) for x in re.findall(r'<mn data-value="([^"]+)" class="result">', body)]
        sign = -1 if key == "udacity" else 1
        assert results[:3] == [sign * v["error"][0], v["f_prime"][0], sign * v["error_term"][0]]


def test_every_term_in_every_notation(client):
    page = client.get(f"/glossary?{QUERY}&notation=udacity").text
    rows = re.findall(r'<tr id="term-([^"]+)">(.*?)</tr>', page, re.DOTALL)
    ideas = [idea for idea, _ in rows]
    assert ideas[:3] == ["input", "weighted-sum", "activation"] and "error-term" in ideas and "gradient" in ideas
    for _, row in rows:
        assert row.count("<math>") == 3  # textbook, Udacity, 3Blue1Brown
    error_term = dict(rows)["error-term"]
    assert "error_term" in error_term and "∂E/∂z" in error_term
    assert '<th scope="col" class="current">Udacity</th>' in page
    assert 'href="/?dataset=iris' in page and "notation=udacity" in page  # back to the same network


def test_udacity_error_is_y_minus_y_hat_for_squared_error_only(client):
    page = client.get(f"/glossary?{QUERY}&notation=udacity").text  # iris: softmax output, cross-entropy
    answer = section(page, "error-vs-error-term")
    assert "that is y − ŷ for <b>squared error</b> only" in answer
    assert "output_error_term = y − ŷ, which is −δ" in answer
    udacity = re.search(r'<figure class="example" data-notation="udacity">(.*?)</figure>', answer, re.DOTALL)[1]
    words = re.findall(r'<span class="words">([^<]*)</span>', udacity)
    assert words[0].startswith("hidden_error = −∂E/∂a") and words[2].startswith("hidden_error_term")
    assert not any("y − ŷ" in w for w in words)  # a hidden neuron's error is never y − ŷ
