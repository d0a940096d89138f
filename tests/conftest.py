"""Shared fixtures for the whole test suite.

Fixtures
--------
server      (session) the app run by uvicorn in a subprocess on a free 127.0.0.1 port.
            ``server.url`` is the base URL (no trailing slash), ``server.restart()`` stops and
            starts it again on the same port, ``server.log()`` returns its stdout+stderr so far.
server_env  (session) extra environment variables for the server process: override this fixture
            (in a conftest.py or a test module) to point the app at a temporary state directory.
client      (function) an ``httpx.Client`` with ``base_url=server.url``.
browser     (session) Playwright Chromium, Debian's /usr/bin/chromium, headless. Fails loudly
            (never skips) when chromium is missing.
page        (function) a Playwright ``Page`` in a fresh browser context whose ``base_url`` is
            ``server.url`` (so ``page.goto("/")`` works). When the test ends it fails if the page
            logged a console error, threw an uncaught error, or requested anything that is not on
            127.0.0.1/localhost.
new_page    (function) factory: ``new_page(**context_options)`` gives another page in another,
            independent context (own cookies/storage), watched like ``page``.
page_watch  (function) what was seen: ``.console_errors``, ``.page_errors``, ``.outside_requests``;
            ``.allow_console_errors(*regexes)`` allows expected errors (no argument: allow all);
            ``.clear()`` forgets everything seen so far.

Markers
-------
@pytest.mark.browser                       set automatically on every test that uses a browser
                                           fixture; ``-m "not browser"`` runs the rest.
@pytest.mark.allow_console_errors(*regexes) expected console errors/page errors (regexes searched in
                                           the message text; no argument allows all of them).
@pytest.mark.allow_outside_requests        do not fail on requests leaving 127.0.0.1/localhost.

Playwright's sync API keeps an asyncio loop marked as "running" on the main thread while it is
started; the autouse fixture ``_isolate_playwright_loop`` hides that loop from tests that use no
browser fixture, so ``asyncio.run()``/anyio in those tests still work.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("MIRRORPROP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(tempfile.gettempdir()) / "mirrorprop-test-artifacts"
SERVER_START_TIMEOUT = 20.0
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "blob", "about", "chrome", "chrome-extension", "devtools"}
BROWSER_FIXTURES = {"browser", "page", "new_page", "page_watch", "_playwright"}


# --------------------------------------------------------------------------------------------
# markers


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: the test drives headless Chromium (set automatically)")
    config.addinivalue_line(
        "markers",
        "allow_console_errors(*patterns): console errors/page errors matching these regexes "
        "(all of them, without arguments) do not fail the test",
    )
    config.addinivalue_line(
        "markers", "allow_outside_requests: requests to hosts other than 127.0.0.1/localhost are allowed"
    )
    config.addinivalue_line("markers", "slow: a test that takes more than a few seconds")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# --------------------------------------------------------------------------------------------
# server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """uvicorn app.main:app in a subprocess, on a fixed port for its whole life."""

    def __init__(
        self,
        port: int | None = None,
        env: dict[str, str] | None = None,
        app: str = "app.main:app",
        cwd: Path = REPO_ROOT,
    ) -> None:
        self.port = port or free_port()
        self.host = "127.0.0.1"
        self.url = f"http://{self.host}:{self.port}"
        self.app = app
        self.cwd = cwd
        self.env = dict(env or {})
        self.proc: subprocess.Popen | None = None
        self._logfile = tempfile.NamedTemporaryFile(  # noqa: SIM115 - open for the server's life
            prefix=f"mirrorprop-server-{self.port}-", suffix=".log", delete=False
        )
        self.log_path = Path(self._logfile.name)
        self.starts = 0

    # -- lifecycle
    def start(self, timeout: float = SERVER_START_TIMEOUT) -> None:
        if self.alive:
            return
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env}
        cmd = [
            sys.executable,
            "-m",
            "uvicorn",
            self.app,
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--timeout-graceful-shutdown",
            "2",
        ]
        self._logfile.write(f"\n===== start #{self.starts + 1}: {' '.join(cmd)}\n".encode())
        self._logfile.flush()
        self.proc = subprocess.Popen(
            cmd,
            cwd=self.cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._logfile,
            stderr=subprocess.STDOUT,
        )
        self.starts += 1
        self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last_error: Exception | str = "no answer yet"
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                code = None if self.proc is None else self.proc.returncode
                pytest.fail(
                    f"server exited with code {code} before answering /healthz.\n"
                    f"--- server output ({self.log_path}) ---\n{self.log()}",
                    pytrace=False,
                )
            try:
                r = httpx.get(self.url + "/healthz", timeout=2.0)
                if r.status_code == 200:
                    return
                last_error = f"HTTP {r.status_code}: {r.text[:200]}"
            except httpx.HTTPError as e:
                last_error = e
            time.sleep(0.1)
        self.stop()
        pytest.fail(
            f"server did not answer GET /healthz within {timeout:.0f} s (last: {last_error!r}).\n"
            f"--- server output ({self.log_path}) ---\n{self.log()}",
            pytrace=False,
        )

    def stop(self, timeout: float = 10.0) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGINT)  # what Ctrl+C does: graceful shutdown (<= 2 s)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

    def restart(self, timeout: float = SERVER_START_TIMEOUT) -> None:
        """Stop the server and start a new process on the same port."""
        self.stop()
        self.start(timeout)

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log(self) -> str:
        self._logfile.flush()
        return self.log_path.read_text(errors="replace")

    def close(self) -> None:
        self.stop()
        self._logfile.close()

    def __repr__(self) -> str:
        return f"<Server {self.url} alive={self.alive}>"


@pytest.fixture(scope="session")
def server_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Extra environment for the server process. Override to configure the app."""
    return {}


@pytest.fixture(scope="session")
def server(server_env: dict[str, str]) -> Iterator[Server]:
    srv = Server(env=server_env)
    try:
        srv.start()
        yield srv
    finally:
        srv.close()


@pytest.fixture(autouse=True)
def _server_still_alive(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that uses the server fails (with the server's log) if the server died during it."""
    yield
    if "server" not in request.fixturenames:
        return
    srv: Server = request.getfixturevalue("server")
    if srv.proc is not None and not srv.alive:
        pytest.fail(
            f"the server process died (exit code {srv.proc.returncode}).\n"
            f"--- server output ({srv.log_path}) ---\n{srv.log()[-6000:]}",
            pytrace=False,
        )


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10.0) as c:
        yield c


# --------------------------------------------------------------------------------------------
# browser


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        yield pw
    finally:
        pw.stop()


@pytest.fixture(autouse=True)
def _isolate_playwright_loop(request: pytest.FixtureRequest) -> Iterator[None]:
    """Hide Playwright's 'running' asyncio loop from tests that do not use the browser."""
    if BROWSER_FIXTURES & set(request.fixturenames):
        yield
        return
    saved = asyncio._get_running_loop()
    if saved is not None:
        asyncio._set_running_loop(None)
    try:
        yield
    finally:
        if saved is not None:
            asyncio._set_running_loop(saved)


@pytest.fixture(scope="session")
def browser(_playwright):
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"{CHROMIUM} not found: the browser tests need Debian's chromium.\n"
            "Install it with:  sudo apt-get update && sudo apt-get install -y chromium\n"
            "(never 'playwright install': the tests use the system chromium)",
            pytrace=False,
        )
    b = _playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        yield b
    finally:
        b.close()


class PageWatch:
    """Collects console errors, uncaught page errors and outside requests of watched contexts."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.outside_requests: list[str] = []
        self.allowed: list[re.Pattern[str]] = []
        self.allow_all_errors = False
        self.allow_outside = False

    def allow_console_errors(self, *patterns: str) -> None:
        """Allow console/page errors matching any of these regexes (all errors if none given)."""
        if not patterns:
            self.allow_all_errors = True
        self.allowed.extend(re.compile(p) for p in patterns)

    def clear(self) -> None:
        self.console_errors.clear()
        self.page_errors.clear()
        self.outside_requests.clear()

    def watch(self, context, label: str) -> None:
        context.on("console", lambda msg: self._on_console(msg, label))
        context.on("weberror", lambda err: self.page_errors.append(f"[{label}] {err.error}"))
        context.on("request", lambda req: self._on_request(req, label))

    def _on_console(self, msg, label: str) -> None:
        if msg.type != "error":
            return
        loc = msg.location or {}
        where = f" ({loc.get('url', '')}:{loc.get('lineNumber', '')})" if loc.get("url") else ""
        self.console_errors.append(f"[{label}] {msg.text}{where}")

    def _on_request(self, req, label: str) -> None:
        url = req.url
        parts = urlsplit(url)
        if parts.scheme in LOCAL_SCHEMES or (parts.hostname or "") in LOCAL_HOSTS:
            return
        self.outside_requests.append(f"[{label}] {req.method} {url}")

    def _is_allowed(self, text: str) -> bool:
        return self.allow_all_errors or any(p.search(text) for p in self.allowed)

    def problems(self) -> list[str]:
        out = []
        out += [f"console error: {m}" for m in self.console_errors if not self._is_allowed(m)]
        out += [f"page error: {m}" for m in self.page_errors if not self._is_allowed(m)]
        if not self.allow_outside:
            out += [f"outside request: {m}" for m in self.outside_requests]
        return out

    def assert_clean(self) -> None:
        problems = self.problems()
        if problems:
            pytest.fail(
                "the browser saw problems during the test:\n  " + "\n  ".join(problems), pytrace=False
            )


@pytest.fixture
def page_watch(request: pytest.FixtureRequest) -> PageWatch:
    watch = PageWatch()
    for mark in request.node.iter_markers("allow_console_errors"):
        watch.allow_console_errors(*mark.args)
    if request.node.get_closest_marker("allow_outside_requests"):
        watch.allow_outside = True
    return watch


@pytest.fixture
def new_page(
    browser, server: Server, page_watch: PageWatch, request: pytest.FixtureRequest
) -> Iterator[Callable[..., object]]:
    contexts = []

    def factory(**context_options):
        opts = {
            "base_url": server.url,
            "viewport": {"width": 1280, "height": 800},
            "locale": "en-US",
            **context_options,
        }
        ctx = browser.new_context(**opts)
        ctx.set_default_timeout(10_000)
        ctx.set_default_navigation_timeout(15_000)
        label = f"ctx{len(contexts) + 1}"
        page_watch.watch(ctx, label)
        contexts.append(ctx)
        return ctx.new_page()

    yield factory

    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        for i, ctx in enumerate(contexts, 1):
            for j, p in enumerate(ctx.pages, 1):
                with contextlib.suppress(Exception):  # best effort only
                    p.screenshot(path=str(ARTIFACTS / f"{safe}-ctx{i}-p{j}.png"), full_page=True)
    for ctx in contexts:
        with contextlib.suppress(Exception):  # the browser may already be gone
            ctx.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """After a browser test's body passed, fail it if the browser saw console errors etc."""
    result = yield
    watch = getattr(item, "funcargs", {}).get("page_watch")
    if isinstance(watch, PageWatch):
        watch.assert_clean()
    return result
