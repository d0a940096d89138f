"""The mirrorprop command: Mazur's worked example as text, the trace as JSON, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app import cli

REPO = Path(__file__).resolve().parent.parent
MAZUR = "examples/mazur.json"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], cwd=REPO, capture_output=True, text=True, timeout=60, check=False
    )


def test_text_trace_is_mazurs_worked_example():
    result = run("trace", MAZUR, "--format", "text")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Step 1 · epoch 1, sample 1 of 1 (row 0)" in out
    assert "z¹₁ = w¹₁₁·a⁰₁ + w¹₁₂·a⁰₂ + b¹₁ = 0.15·0.05 + 0.2·0.1 + 0.35 = 0.3775" in out
    assert "a¹₁ = σ(z¹₁) = σ(0.3775) = 0.59326999" in out  # Mazur: out_h1 = 0.593269992
    assert "a²₁ = σ(z²₁) = σ(1.105906) = 0.75136507" in out  # out_o1
    assert "= 0.77292847" in out  # out_o2 = 0.772928465
    assert "E = ½·((t₁ − o₁)² + (t₂ − o₂)²) = ½·((0.01 − 0.75136507)² + (0.99 − 0.77292847)²) = 0.29837111" in out
    assert "δ²₁ = ∂E/∂a²₁·σ′(z²₁) = 0.74136507·0.1868156 = 0.13849856" in out  # Mazur's dE/dnet_o1
    assert "∂E/∂w²₁₁ = δ²₁·a¹₁ = 0.13849856·0.59326999 = 0.082167041" in out  # dE_total/dw5
    assert "w²₁₁⁺ = w²₁₁ − η·∂E/∂w²₁₁ = 0.4 − 0.5·0.082167041 = 0.35891648" in out  # w5+
    assert "∂E/∂a¹₁ = w²₁₁·δ²₁ + w²₂₁·δ²₂ = 0.4·0.13849856 + 0.5·(−0.038098237) = 0.036350306" in out
    assert "w¹₁₁⁺ = w¹₁₁ − η·∂E/∂w¹₁₁ = 0.15 − 0.5·0.00043856773 = 0.14978072" in out  # w1+ = 0.149780716
    # the backward phases say they are the forward pass in a mirror
    assert "the forward pass in a mirror: inputs δ², weights W²ᵀ" in out
    assert "σ′(z¹) where forward has σ" in out
    assert "code: app/network.py lines" in out


def test_text_trace_of_several_steps():
    result = run("trace", MAZUR, "--steps", "3")
    assert result.returncode == 0, result.stderr
    assert "Step 3 · epoch 3, sample 1 of 1 (row 0)" in result.stdout
    assert [line for line in result.stdout.splitlines() if line.startswith("Step ")] == [
        f"Step {n} · epoch {n}, sample 1 of 1 (row 0)" for n in (1, 2, 3)
    ]


def test_json_trace_is_valid_json_without_bare_nan():
    result = run("trace", MAZUR, "--format", "json", "--steps", "2")
    assert result.returncode == 0, result.stderr

    def refuse(name):
        raise AssertionError(f"bare {name} in the JSON")

    doc = json.loads(result.stdout, parse_constant=refuse)
    assert doc["format"] == "mirrorprop-trace" and doc["version"] == 1
    assert doc["sizes"] == [2, 2, 2] and len(doc["steps"]) == 2
    assert doc["config"]["title"].startswith("Matt Mazur")
    forward = doc["steps"][0]["phases"][0]
    assert forward["weights"] == [[0.15, 0.2], [0.25, 0.3]]
    update = doc["steps"][0]["phases"][-1]
    assert update["new_weights"][0][0] == pytest.approx(0.35891648, abs=5e-9)


def test_json_trace_of_a_diverging_run(tmp_path):
    config = tmp_path / "diverge.json"
    config.write_text(json.dumps({"dataset": "iris", "hidden": [8], "output": "identity", "loss": "squared_error",
                                  "lr": 1e6, "seed": 1}), encoding="utf-8")
    result = run("trace", str(config), "--format", "json", "--steps", "30")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout, parse_constant=lambda name: pytest.fail(f"bare {name}"))
    assert doc["steps"][-1]["diverged"] is True
    text = run("trace", str(config), "--steps", "30").stdout
    assert "The weights diverged" in text and "NaN" in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"hidden": [64], "lr": 0}', "hidden: each hidden layer needs 1 to 32 neurons"),
        ('{"dataset": "iris",\n "lr": 0.1,,\n}', "is not valid JSON (line 2"),
        ('{"output": "identity", "loss": "cross_entropy"}', "loss: cross_entropy needs outputs"),
        ('{"layers": [2, 2], "inputs": [[1, 2]], "targets": [[1, 0]], "weights": [[[1, 2, 3]]]}',
         "weights of layer 1 must have shape (2, 2)"),
    ],
)
def test_a_bad_config_exits_2_with_a_message(tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    result = run("trace", str(bad))
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_a_missing_file_exits_2():
    result = run("trace", "no/such/file.json")
    assert result.returncode == 2 and "cannot read no/such/file.json" in result.stderr


@pytest.mark.parametrize("steps", ["0", "100001", "-3", "ten"])
def test_steps_must_be_1_to_100000(steps):
    result = run("trace", MAZUR, "--steps", steps)
    assert result.returncode == 2
    assert "--steps" in result.stderr and "Traceback" not in result.stderr


def test_main_in_process(capsys):
    assert cli.main(["trace", MAZUR, "--digits", "4"]) == 0
    assert "= 0.3589" in capsys.readouterr().out
    with pytest.raises(SystemExit) as caught:
        cli.main(["frobnicate"])
    assert caught.value.code == 2


def test_serve_runs_uvicorn_with_a_short_graceful_shutdown(monkeypatch):
    calls = []
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append((app, kwargs)))
    assert cli.main(["serve", "--port", "8123"]) == 0
    assert calls == [("app.main:app", {"host": "127.0.0.1", "port": 8123, "reload": False,
                                       "timeout_graceful_shutdown": 2})]
