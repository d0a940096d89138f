"""Latency of one sample step over HTTP, with 1 and 50 concurrent sessions.

Starts the app with uvicorn on a free loopback port, then times, per request:
  - the page's own move (POST /ui/move, grain=sample: the HTML fragments the page swaps in),
  - the JSON API step (POST /api/sessions/{id}/step, grain=sample),
  - a trivial endpoint of the same app (GET /healthz), as the floor.
Each session is an iris 4-8-3 network. Prints median and p99 (ms) and the ratio to the floor.

    .venv/bin/python bench/http_step.py [--requests 40]
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
STATE = {"dataset": "iris", "hidden": "8", "activation": "sigmoid", "output": "softmax",
         "loss": "cross_entropy", "lr": "0.1", "seed": "1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port), "--log-level", "warning",
         "--timeout-graceful-shutdown", "2"],
        cwd=ROOT,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


async def timed(coro) -> float:
    start = time.perf_counter()
    response = await coro
    response.raise_for_status()
    return (time.perf_counter() - start) * 1000


async def ui_session(client: httpx.AsyncClient, n: int, tab: str) -> list[float]:
    """n 'next sample' moves, each from the position the previous one returned."""
    times, step, phase = [], 0, -1
    for _ in range(n):
        form = {**STATE, "step": str(step), "phase": str(phase), "tab": tab, "grain": "sample"}
        start = time.perf_counter()
        response = await client.post("/ui/move", data=form)
        response.raise_for_status()
        times.append((time.perf_counter() - start) * 1000)
        step, phase = (step, 6) if phase < 6 else (step + 1, 6)
    return times


async def api_session(client: httpx.AsyncClient, n: int) -> list[float]:
    created = await client.post("/api/sessions", json={"dataset": "iris", "hidden": [8]})
    session = created.json()["id"]
    return [await timed(client.post(f"/api/sessions/{session}/step", json={"grain": "sample"})) for _ in range(n)]


async def floor_session(client: httpx.AsyncClient, n: int) -> list[float]:
    return [await timed(client.get("/healthz")) for _ in range(n)]


async def run(base: str, sessions: int, n: int) -> dict[str, list[float]]:
    limits = httpx.Limits(max_connections=sessions + 5, max_keepalive_connections=sessions + 5)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        results = {}
        for name, make in (("ui move (HTML)", lambda i: ui_session(client, n, f"bench-{sessions}-{i}")),
                           ("api step (JSON)", lambda i: api_session(client, n)),
                           ("trivial /healthz", lambda i: floor_session(client, n))):
            await asyncio.gather(*(make(i) for i in range(sessions)))  # warm up
            runs = await asyncio.gather(*(make(i) for i in range(sessions)))
            results[name] = [t for r in runs for t in r]
        return results


def p99(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.99) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40, help="steps per session (default 40)")
    args = parser.parse_args()
    port = free_port()
    server = start_server(port)
    try:
        print("HTTP latency of a sample step, iris 4-8-3 (ms)")
        print(f"{'sessions':>8}  {'endpoint':<18} {'median':>8} {'p99':>8}  {'× trivial (median)':>18}")
        for sessions in (1, 50):
            results = asyncio.run(run(f"http://127.0.0.1:{port}", sessions, args.requests))
            floor = statistics.median(results["trivial /healthz"])
            for name, times in results.items():
                median = statistics.median(times)
                print(f"{sessions:>8}  {name:<18} {median:>8.2f} {p99(times):>8.2f}  {median / floor:>17.1f}×")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
