"""Helpers for the browser tests: where the page is, and waiting for it to get somewhere."""

from __future__ import annotations


def position(page) -> tuple[int, int]:
    """(step, phase) of the page's state form."""
    state = page.locator("#state")
    return int(state.get_attribute("data-step")), int(state.get_attribute("data-phase"))


def wait_for_position(page, step: int, phase: int) -> None:
    """Wait until the page shows this step and phase (the state form is swapped in last)."""
    page.wait_for_function(
        "([s, p]) => { const f = document.querySelector('#state');"
        " return f && f.getAttribute('data-step') == s && f.getAttribute('data-phase') == p; }",
        arg=[step, phase], timeout=30_000,
    )
