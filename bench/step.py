"""How much does the trace cost? One traced training step against the same step in bare NumPy.

    .venv/bin/python bench/step.py [--repeat 5000] [--profile]

Traced: ``Trainer.step()`` (pick the sample, forward, loss, backward through the mirror,
SGD update keeping old and new weights, narrate the phases). Bare: the same math for the same
sizes as a dozen NumPy lines that overwrite the weights in place and keep nothing. Both take
sigmoid hidden layers and a softmax output with cross-entropy. Each figure is the median of
many single-step timings (``time.perf_counter_ns``); the goal is traced <= 3x bare.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import Config
from app.network import Network
from app.trace import narrate
from app.training import Trainer

GOAL = 3.0
CASES = {"iris 4-8-3": Config(dataset="iris", hidden=(8,)), "digits 64-16-10": Config(dataset="digits", hidden=(16,))}


def bare_step(W1, b1, W2, b2, x, t, lr):
    """One SGD step of a sigmoid-softmax network with cross-entropy, in place; returns the loss."""
    z1 = W1 @ x + b1
    a1 = 1.0 / (1.0 + np.exp(-z1))
    z2 = W2 @ a1 + b2
    e = np.exp(z2 - z2.max())
    o = e / e.sum()
    loss = -float(t @ np.log(o))
    d2 = o - t
    d1 = (W2.T @ d2) * a1 * (1.0 - a1)
    W2 -= lr * np.outer(d2, a1)
    b2 -= lr * d2
    W1 -= lr * np.outer(d1, x)
    b1 -= lr * d1
    return loss


def time_traced(config: Config, repeat: int) -> list[int]:
    trainer = Trainer(config)
    for _ in range(50):  # warm up
        trainer.step()
    times = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        trainer.step()
        times.append(time.perf_counter_ns() - start)
    return times


def time_bare(config: Config, repeat: int) -> list[int]:
    trainer = Trainer(config)  # the same data, initial weights and sample order
    W1, W2 = (trainer.network.weights[l].copy() for l in (1, 2))
    b1, b2 = (trainer.network.biases[l].copy() for l in (1, 2))
    x_all, t_all, lr = trainer.data.features, trainer.data.targets, config.learning_rate
    rows = [trainer.sample_for(s) for s in range(repeat + 50)]
    for row in rows[:50]:
        bare_step(W1, b1, W2, b2, x_all[row], t_all[row], lr)
    times = []
    for row in rows[50:]:
        x, t = x_all[row], t_all[row]
        start = time.perf_counter_ns()
        bare_step(W1, b1, W2, b2, x, t, lr)
        times.append(time.perf_counter_ns() - start)
    return times


def median_us(run, repeat: int) -> float:
    """The median time of run() in µs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        run()
        times.append(time.perf_counter_ns() - start)
    return statistics.median(times) / 1000


def breakdown(config: Config, repeat: int) -> dict[str, float]:
    """Median µs of each part of Trainer.step, timed on its own (the rest is the step's glue)."""
    trainer = Trainer(config)
    trainer.run(50)
    net, lr = trainer.network, config.learning_rate
    row = trainer.sample_for(0)
    x, t = trainer.data.features[row], trainer.data.targets[row]
    fwd = net.forward(x)
    loss = net.loss.value(fwd.output, t)
    back = net.backward(fwd, t)
    update = net.copy().update(back, lr)

    def fresh_update():
        Network(list(net.weights), list(net.biases), net.activations, net.loss).update(back, lr)

    return {
        "sample order": median_us(lambda: trainer.sample_for(7), repeat),
        "forward": median_us(lambda: net.forward(x), repeat),
        "loss": median_us(lambda: net.loss.value(fwd.output, t), repeat),
        "backward": median_us(lambda: net.backward(fwd, t), repeat),
        "update": median_us(fresh_update, repeat),
        "narrate": median_us(
            lambda: narrate(trainer.position(0), row, 0, net, fwd, loss, back, update, t), repeat
        ),
    }


def profile(config: Config, steps: int) -> None:
    trainer = Trainer(config)
    profiler = cProfile.Profile()
    profiler.enable()
    trainer.run(steps)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5000, help="timed steps per case (default 5000)")
    parser.add_argument("--profile", action="store_true", help="always show where the traced step spends its time")
    args = parser.parse_args()

    print(f"one training step, median of {args.repeat} (µs)")
    print(f"{'network':<18}{'traced':>10}{'bare':>10}{'ratio':>8}")
    worst = 0.0
    for name, config in CASES.items():
        traced = statistics.median(time_traced(config, args.repeat)) / 1000
        bare = statistics.median(time_bare(config, args.repeat)) / 1000
        ratio = traced / bare
        worst = max(worst, ratio)
        print(f"{name:<18}{traced:>10.1f}{bare:>10.1f}{ratio:>7.1f}×")
    verdict = "within" if worst <= GOAL else "above"
    print(f"goal: traced <= {GOAL:g}× bare: {verdict} ({worst:.1f}×)")
    if worst > GOAL or args.profile:
        parts = {name: breakdown(config, args.repeat) for name, config in CASES.items()}
        print("\nwhere the traced step spends its time, each part timed alone (median µs)")
        print(f"{'part':<14}" + "".join(f"{name:>18}" for name in parts))
        for part in next(iter(parts.values())):
            print(f"{part:<14}" + "".join(f"{parts[name][part]:>18.1f}" for name in parts))
        for name, config in CASES.items():
            print(f"\n== cProfile of 2000 traced steps, {name}")
            profile(config, 2000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
