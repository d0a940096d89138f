"""The JSON API: the same numbers the page shows, for scripts and tests."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from app.config import from_dict
from app.main import app
from app.training import Trainer

client = TestClient(app)


def create(**config) -> dict:
    response = client.post("/api/sessions", json=config)
    assert response.status_code == 201, response.text
    return response.json()


def test_create_step_and_read_the_trace():
    session = create(dataset="iris", hidden=[5], learning_rate=0.2, seed=3)
    assert session["sizes"] == [4, 5, 3]
    assert session["cursor"] == {"step": 0, "phase": -1, "epoch": 0, "index_in_epoch": 0, "phase_title": "ready"}
    moved = client.post(f"/api/sessions/{session['id']}/step", json={"grain": "phase"}).json()
    assert moved["cursor"]["phase_title"] == "forward, layer 1"
    expected = Trainer(from_dict({"dataset": "iris", "hidden": [5], "learning_rate": 0.2, "seed": 3})).step()
    assert moved["phase"]["kind"] == "forward" and moved["phase"]["layer"] == 1
    assert moved["phase"]["a"] == expected.phases[0].values["a"].tolist()
    assert moved["trace"]["loss"] == expected.loss
    trace = client.get(f"/api/sessions/{session['id']}/trace").json()
    assert trace["format"] == "mirrorprop-trace" and trace["version"] == 1
    assert trace["steps"][0]["phases"][-1]["new_weights"] == expected.phases[-1].values["new_weights"].tolist()


def test_every_grain_moves_the_cursor():
    session = create(dataset="xor", hidden=[3], output="sigmoid", loss="squared_error", test_fraction=0)
    sid = session["id"]
    step = lambda grain: client.post(f"/api/sessions/{sid}/step", json={"grain": grain}).json()["cursor"]
    assert step("sample")["phase"] == 6
    assert step("sample") == {"step": 1, "phase": 6, "epoch": 0, "index_in_epoch": 1, "phase_title": "update, layer 2"}
    assert step("epoch")["step"] == 3
    assert step("epoch")["step"] == 7
    assert step("back")["phase"] == 5
    assert step("reset")["step"] == 0


def test_bad_settings_are_a_422_naming_each_field():
    response = client.post("/api/sessions", json={"hidden": [40], "learning_rate": -1, "output": "identity"})
    assert response.status_code == 422
    errors = response.json()["detail"]["errors"]
    assert set(errors) >= {"hidden", "learning_rate", "loss"}
    assert "cross_entropy" in errors["loss"]
    assert client.post("/api/sessions", json={"hidden": "many"}).status_code == 422


def test_unknown_sessions_and_bad_moves_are_4xx():
    response = client.post("/api/sessions/nope/step", json={"grain": "phase"})
    assert response.status_code == 404
    assert "POST /api/sessions" in response.json()["detail"]
    sid = create()["id"]
    assert client.post(f"/api/sessions/{sid}/step", json={"grain": "sideways"}).status_code == 422
    assert client.get(f"/api/sessions/{sid}/trace?step=-1").status_code == 422


def test_a_diverged_trace_is_valid_json():
    sid = create(dataset="iris", output="identity", loss="squared_error", learning_rate=1e6)["id"]
    for _ in range(2):
        client.post(f"/api/sessions/{sid}/step", json={"grain": "epoch"})
    response = client.get(f"/api/sessions/{sid}/trace")
    assert response.status_code == 200
    document = json.loads(response.text, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    step = document["steps"][0]
    assert step["diverged"] is True
    assert step["loss"] in ("NaN", "Infinity")


def test_the_page_moves_are_not_500s_on_bad_input():
    assert client.post("/ui/move", data={"grain": "sideways"}).status_code == 400
    response = client.post("/ui/move", data={"grain": "phase", "step": "-5", "phase": "99", "lr": "x", "tab": "t"})
    assert response.status_code == 200
    assert client.get("/?hidden=1,2,3,4,5,6,7,8&lr=nan&seed=-1&step=abc").status_code == 200


def test_openapi_documents_the_api():
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/sessions", "/api/sessions/{session_id}/step", "/api/sessions/{session_id}/trace"} <= set(paths)
    assert client.get("/docs").status_code == 200


def test_overflowing_numbers_are_4xx_not_500():
    for url in ("/?hidden=inf", "/?hidden=1e400", "/?hidden=" + "9" * 5000, "/?seed=1e400&lr=1e999"):
        assert client.get(url).status_code == 200
    assert client.post("/ui/settings", data={"layer": "1e400", "tab": "t"}).status_code == 200
    for body in ('{"hidden": [1e400]}', '{"seed": 1e400}', '{"learning_rate": -1e400}'):
        response = client.post("/api/sessions", content=body, headers={"content-type": "application/json"})
        assert response.status_code == 422, body
        assert response.json()["detail"]


def test_switching_from_a_noisy_dataset_drops_its_noise():
    form = {"dataset": "digits", "prev_dataset": "moons", "noise": "0.1", "layer": "8", "activation": "sigmoid",
            "output": "softmax", "loss": "cross_entropy", "lr": "0.1", "seed": "1", "tab": "t"}
    response = client.post("/ui/settings", data=form)
    assert response.headers["HX-Replace-Url"].startswith("/?dataset=digits&hidden=8")
    assert "noise" not in response.headers["HX-Replace-Url"]


def test_an_empty_or_zero_layer_is_an_inline_error_not_a_silent_removal():
    form = {"dataset": "iris", "prev_dataset": "iris", "layer": ["8", "0"], "activation": "sigmoid",
            "output": "softmax", "loss": "cross_entropy", "lr": "0.1", "seed": "1", "tab": "t"}
    response = client.post("/ui/settings", data=form)
    assert response.headers.get("HX-Retarget") == "#settings"
    assert "1 to 32 neurons" in response.text


def test_per_layer_activations_survive_a_settings_change():
    assert "per layer: relu, tanh" in client.get("/?hidden=4,4&activation=relu,tanh").text
    form = {"dataset": "iris", "prev_dataset": "iris", "layer": ["4", "4"], "layer_action": "add",
            "activation": "relu,tanh", "output": "softmax", "loss": "cross_entropy", "lr": "0.1", "seed": "1",
            "tab": "t"}
    url = client.post("/ui/settings", data=form).headers["HX-Replace-Url"]
    assert "activation=relu%2Ctanh%2Ctanh" in url
