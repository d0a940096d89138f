"""Fast-forward throughput, and whether a long fast-forward slows down someone else's steps.

Starts the app with uvicorn on a free loopback port, then:
  1. times a 'next sample' move (POST /ui/move) of tab B while nothing else runs,
  2. fast-forwards tab A (GET /ui/fastforward, server-sent events) and reports its steps/s,
  3. times tab B's moves again while tab A fast-forwards, and
  4. fast-forwards two tabs at once (the worker pool has two threads), and
  5. times tab B's moves while two tabs fast-forward from the Charts tab (the page's case: the
     charts are redrawn with every progress message), and then the same for a heavier tab D:
     digits with its Charts open (every move redraws 1,184 edges and the charts).
Prints median and p99 latency (ms) of the moves and the steps/s of each fast-forward.

    .venv/bin/python bench/fastforward.py [--epochs 20] [--moves 60]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import time

import httpx
from http_step import free_port, start_server

DIGITS = {"dataset": "digits", "hidden": "16", "activation": "sigmoid", "output": "softmax",
          "loss": "cross_entropy", "lr": "0.1", "seed": "1"}
IRIS = {**DIGITS, "dataset": "iris", "hidden": "8"}
DIGITS_CHARTS = {**DIGITS, "panel": "charts"}


async def moves(client: httpx.AsyncClient, n: int, tab: str, stop: asyncio.Event | None = None,
                config: dict = IRIS) -> list[float]:
    """Up to n 'next sample' moves of one tab, each from where the last one left it (ms each)."""
    times, step, phase = [], 0, -1
    for _ in range(n):
        if stop is not None and stop.is_set():
            break
        form = {**config, "step": str(step), "phase": str(phase), "tab": tab, "grain": "sample"}
        start = time.perf_counter()
        response = await client.post("/ui/move", data=form)
        response.raise_for_status()
        times.append((time.perf_counter() - start) * 1000)
        step, phase = (step, 6) if phase < 6 else (step + 1, 6)
        await asyncio.sleep(0.01)  # a learner clicking fast, not a flood
    return times


async def fast_forward(client: httpx.AsyncClient, tab: str, config: dict, epochs: int,
                       panel: str = "") -> tuple[int, float, float]:
    """(steps, seconds, steps/s as the server measured them) of one fast-forward, read from its stream."""
    params = {**config, "step": "0", "phase": "-1", "tab": tab, "epochs": str(epochs), "panel": panel}
    start = time.perf_counter()
    text, data = "", []
    async with client.stream("GET", "/ui/fastforward", params=params, timeout=300) as response:
        async for line in response.aiter_lines():
            if line.startswith("event: done"):
                break
            if line.startswith("data:"):
                data.append(line[5:])
            elif not line and data:  # the end of one message: keep the last whole one
                text, data = "\n".join(data), []
    seconds = time.perf_counter() - start
    match = re.search(r": ([\d,]+) steps in [\d.]+ s \(([\d,]+) steps/s\)", text)
    if not match:
        raise SystemExit(f"no final progress line in the stream: {text[:200]!r}")
    return int(match.group(1).replace(",", "")), seconds, float(match.group(2).replace(",", ""))


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return f"median {statistics.median(times):6.1f} ms   p99 {p99:6.1f} ms   ({len(times)} moves)"


async def main(epochs: int, n_moves: int, port: int) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        await moves(client, 10, "warm-up")
        quiet = await moves(client, n_moves, "B-quiet")
        print(f"move, nothing else running:        {summary(quiet)}")
        heavy = await moves(client, n_moves, "D-quiet", config=DIGITS_CHARTS)
        print(f"  digits with Charts open (tab D): {summary(heavy)}")

        steps, seconds, rate = await fast_forward(client, "A-alone", DIGITS, epochs)
        print(f"fast-forward alone, digits 64-16-10: {steps:,} steps in {seconds:.2f} s: {rate:,.0f} steps/s "
              f"(server), {steps / seconds:,.0f} steps/s end to end")

        stop = asyncio.Event()
        running = asyncio.create_task(fast_forward(client, "A-busy", DIGITS, 3 * epochs))
        running.add_done_callback(lambda _: stop.set())
        await asyncio.sleep(0.3)
        busy = await moves(client, 10 * n_moves, "B-busy", stop)  # as many as fit while A runs
        steps, seconds, rate = await running
        print(f"move, while tab A fast-forwards:   {summary(busy)}")
        print(f"  (tab A meanwhile: {steps:,} steps at {rate:,.0f} steps/s)")

        both = await asyncio.gather(fast_forward(client, "A-two", DIGITS, epochs),
                                    fast_forward(client, "C-two", DIGITS, epochs))
        print("two fast-forwards at once:          " + ", ".join(f"{r:,.0f} steps/s" for _, _, r in both))

        stop = asyncio.Event()
        pair = asyncio.gather(fast_forward(client, "A-charts", DIGITS, 2 * epochs, "charts"),
                              fast_forward(client, "C-charts", DIGITS, 2 * epochs, "charts"))
        pair.add_done_callback(lambda _: stop.set())
        await asyncio.sleep(0.3)
        busy = await moves(client, 10 * n_moves, "B-busy-two", stop)
        both = await pair
        print(f"move, while two tabs fast-forward with their Charts open: {summary(busy)}")
        print("  (the two meanwhile: " + ", ".join(f"{r:,.0f} steps/s" for _, _, r in both) + ")")

        stop = asyncio.Event()
        pair = asyncio.gather(fast_forward(client, "A-charts-2", DIGITS, 2 * epochs, "charts"),
                              fast_forward(client, "C-charts-2", DIGITS, 2 * epochs, "charts"))
        pair.add_done_callback(lambda _: stop.set())
        await asyncio.sleep(0.3)
        busy = await moves(client, 10 * n_moves, "D-busy-two", stop, config=DIGITS_CHARTS)
        both = await pair
        print(f"  tab D (digits, Charts open) meanwhile: {summary(busy)}")
        print("  (the two meanwhile: " + ", ".join(f"{r:,.0f} steps/s" for _, _, r in both) + ")")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--moves", type=int, default=60)
    args = parser.parse_args()
    port = free_port()
    server = start_server(port)
    try:
        asyncio.run(main(args.epochs, args.moves, port))
    finally:
        server.terminate()
        server.wait(timeout=10)
