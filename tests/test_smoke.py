"""Smoke tests of the test harness itself: server, browser, page watch, math font."""

import asyncio
import tempfile
from pathlib import Path

import httpx
import pytest

SCREENSHOT = Path(tempfile.gettempdir()) / "mirrorprop-smoke.png"


def test_healthz(server):
    r = httpx.get(server.url + "/healthz", timeout=5)
    assert r.status_code == 200
    assert r.json() == {"ok": True}


def test_index_served(client):
    r = client.get("/")
    assert r.status_code == 200
    assert "text/html" in r.headers["content-type"]
    assert "mirrorprop" in r.text


def test_math_font_served(client):
    css = client.get("/static/fonts/math.css")
    assert css.status_code == 200 and "MirrorMath" in css.text
    font = client.get("/static/fonts/STIXTwoMath-Regular.woff2")
    assert font.status_code == 200
    assert font.content[:4] == b"wOF2"


def test_page_loads_without_console_errors(page):
    page.goto("/")
    assert page.title() == "mirrorprop"
    assert page.locator(".brand").inner_text().strip().endswith("mirrorprop")


def test_screenshot(page):
    page.goto("/")
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 1000


def test_math_renders_with_math_font(page):
    page.goto("/")
    page.evaluate("""() => document.body.insertAdjacentHTML("beforeend",
        '<math display="block"><mfrac><mrow><mo>∂</mo><mi>E</mi></mrow>'
        + '<mrow><mo>∂</mo><msub><mi>w</mi><mi>ij</mi></msub></mrow></mfrac></math>')""")
    assert page.evaluate("document.fonts.load('16px MirrorMath').then(faces => faces.length)") == 1
    page.wait_for_function("document.fonts.status === 'loaded'")
    assert page.evaluate("document.fonts.check('16px MirrorMath')")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.family.replace(/\"/g, '') === 'MirrorMath').map(f => f.status)"
    )
    assert loaded == ["loaded"]
    family = page.locator("math").first.evaluate("e => getComputedStyle(e).fontFamily")
    assert "MirrorMath" in family
    # MathML Core layout: the fraction is laid out as a real fraction (numerator above denominator)
    boxes = page.locator("mfrac > *").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.top, r.bottom]; })"
    )
    assert len(boxes) == 2 and boxes[0][1] <= boxes[1][0] + 1


def test_two_independent_contexts(page, new_page):
    page.goto("/")
    page.evaluate("localStorage.setItem('who', 'first')")
    other = new_page()
    other.goto("/")
    assert other.evaluate("localStorage.getItem('who')") is None
    assert page.evaluate("localStorage.getItem('who')") == "first"


@pytest.mark.allow_console_errors("expected in test")
def test_expected_console_error_is_allowed(page):
    page.goto("/")
    page.evaluate("console.error('expected in test')")


def test_console_errors_are_reported(page, page_watch):
    page.goto("/")
    page.evaluate("console.error('boom')")
    page.evaluate("setTimeout(() => { throw new Error('uncaught kaboom'); }, 0)")
    page.wait_for_timeout(200)
    page.evaluate("fetch('/static/does-not-exist.css').catch(() => {})")
    # an outside request, aborted by the route before it reaches any network
    page.route("http://outside.invalid/**", lambda route: route.abort())
    page.evaluate("fetch('http://outside.invalid/x').catch(() => {})")
    page.wait_for_timeout(300)
    problems = "\n".join(page_watch.problems())
    assert "boom" in problems
    assert "uncaught kaboom" in problems
    assert "404" in problems
    assert "outside request: [ctx1] GET http://outside.invalid/x" in problems
    page_watch.clear()  # these were provoked on purpose


def test_server_restart_keeps_port(server, client):
    url, first_pid = server.url, server.proc.pid
    server.restart()
    assert server.url == url and server.proc.pid != first_pid
    assert client.get("/healthz").json() == {"ok": True}


def test_asyncio_still_usable_in_plain_tests():
    async def answer():
        await asyncio.sleep(0)
        return 42

    assert asyncio.run(answer()) == 42
