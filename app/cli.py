"""The ``mirrorprop`` command: serve the app, or print the trace of a config's first steps.

    mirrorprop serve [--host 127.0.0.1] [--port 8000] [--reload]
    mirrorprop trace examples/mazur.json [--steps N] [--format text|json]

``trace --format text`` reads like a worked example (every number beside its formula, with
this step's numbers filled in); ``--format json`` prints the documented trace format
(docs/trace-format.md). ``python -m app.cli`` works as well.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence

from app import explain
from app.config import Config, ConfigError, load_file
from app.trace import StepTrace, document
from app.training import Trainer

MAX_STEPS = 100_000
TEXT_DIGITS = 8  # enough to compare with Mazur's worked example


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit status (0 ok, 2 bad arguments or config)."""
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:  # e.g. piped into head: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mirrorprop", description="Backpropagation, shown as the feed-forward pass run in a mirror."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the web app")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--reload", action="store_true", help="restart when the code changes")
    serve.set_defaults(run=_serve)

    trace = commands.add_parser("trace", help="print what the first training steps computed")
    trace.add_argument("config", metavar="CONFIG.json", help="a config file, e.g. examples/mazur.json")
    trace.add_argument("--steps", type=_steps, default=1, help=f"how many steps, 1 to {MAX_STEPS} (default 1)")
    trace.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json")
    trace.add_argument(
        "--digits", type=_digits, default=TEXT_DIGITS, help=f"significant digits in text (default {TEXT_DIGITS})"
    )
    trace.set_defaults(run=_trace)
    return parser


def _steps(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= n <= MAX_STEPS:
        raise argparse.ArgumentTypeError(f"use 1 to {MAX_STEPS} steps, not {n}")
    return n


def _digits(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= n <= 17:
        raise argparse.ArgumentTypeError(f"use 1 to 17 digits, not {n}")
    return n


def _serve(args: argparse.Namespace) -> int:
    import uvicorn  # only here: tracing needs no web code

    uvicorn.run("app.main:app", host=args.host, port=args.port, reload=args.reload, timeout_graceful_shutdown=2)
    return 0


def _trace(args: argparse.Namespace) -> int:
    try:
        config = load_file(args.config)
        trainer = Trainer(config)
    except ConfigError as e:
        for field, message in e.errors.items():
            print(f"mirrorprop: {args.config}: {field}: {message}", file=sys.stderr)
        return 2
    except ValueError as e:  # the data or explicit weights do not fit the network
        print(f"mirrorprop: {args.config}: {e}", file=sys.stderr)
        return 2
    traces = [trainer.step() for _ in range(args.steps)]
    if args.format == "json":
        doc = document(config.to_dict(), trainer.network.sizes, traces)
        print(pretty_json(doc))
    else:
        print(worked_example(config, trainer, traces, args.digits))
    return 0


# A list of numbers (or of simple strings such as "NaN") with no list inside it.
_FLAT_LIST = re.compile(r'\[\s+((?:(?:-?[0-9][0-9.eE+-]*|"[^",\\]*")(?:,\s+)?)+)\s+\]')


def pretty_json(doc: dict) -> str:
    """JSON indented by 2, with each innermost list of numbers on one line; NaN is refused."""
    text = json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False)
    return _FLAT_LIST.sub(lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",")) + "]", text)


# --- the text format: a worked example -------------------------------------------------


def worked_example(config: Config, trainer: Trainer, traces: list[StepTrace], digits: int = TEXT_DIGITS) -> str:
    """The steps as text: a header per step, then each phase with every number beside its formula."""
    lines = _preamble(config, trainer, digits)
    for trace in traces:
        lines += [""] + _step_text(trace, trainer, digits)
    return "\n".join(lines)


def _preamble(config: Config, trainer: Trainer, digits: int) -> list[str]:
    sizes = " → ".join(str(n) for n in trainer.network.sizes)
    hidden = ", ".join(config.hidden_activations) or "none"
    eta = explain.format_number(config.learning_rate, digits)
    return [
        config.title or trainer.data.title,
        f"network {sizes} · hidden {hidden} · output {config.output} · loss {config.loss} · η = {eta} · seed {config.seed}",
        "Layers count 1..L from the input, neurons from 1; wˡⱼᵢ joins neuron i of layer l−1 to neuron j of layer l.",
        f"Each line: symbol = formula = with this step's numbers = result ({digits} significant digits).",
    ]


def _step_text(trace: StepTrace, trainer: Trainer, digits: int) -> list[str]:
    def vector(values) -> str:
        return "(" + ", ".join(explain.format_number(x, digits) for x in values) + ")"

    names = trainer.data.class_names
    where = f"epoch {trace.epoch + 1}, sample {trace.index_in_epoch + 1} of {trainer.epoch_size}"
    lines = [
        f"Step {trace.step + 1} · {where} (row {trace.sample})",
        f"  input   a⁰ = x = {vector(trace.input)}",
        f"  target  t = {vector(trace.target)}  (class {names[trace.label]!r})",
    ]
    for phase in trace.phases:
        first, last, _ = explain.code_lines(phase.kind, phase.values.get("loss_function"))
        title, summary = phase.title[0].upper() + phase.title[1:], explain.summary(phase)
        where = f"line {first}" if first == last else f"lines {first}–{last}"
        lines += ["", f"  {title}:  {summary}", f"    code: app/network.py {where}"]
        explanations = explain.explain_phase(phase, digits=digits, step=trace)
        notes = list(dict.fromkeys(e.note for e in explanations if e.note))
        lines += [
            f"    where {note}"
            for note in notes
            if note not in summary and not any(note in other for other in notes if other != note)
        ]
        lines += ["    " + _equation(e, digits) for e in explanations]
        if phase.kind == "loss":
            guess = phase.values["prediction"]
            verdict = "right" if guess == trace.label else "wrong"
            lines.append(f"    prediction: output {guess + 1}, class {names[guess]!r} ({verdict})")
    if trace.diverged:
        lines += ["", "  The weights diverged (NaN or ∞): try a smaller learning rate."]
    return lines


def _equation(e: explain.Explanation, digits: int) -> str:
    """symbol = formula = filled = result, leaving out a part that repeats the one before it."""
    parts = [e.symbol]
    for part in (e.formula, e.filled, explain.format_number(e.result, digits)):
        if part != parts[-1]:
            parts.append(part)
    return " = ".join(parts)


if __name__ == "__main__":
    sys.exit(main())
