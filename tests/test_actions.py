"""A learner's recorded actions (a chosen sample, a hand-edited weight, loaded weights): kept in the
config and the URL, replayed bit for bit."""

from __future__ import annotations

import html
from dataclasses import replace

import numpy as np
import pytest

from app import actions, state, uploads
from app.actions import Edit, Load, Pick
from app.config import Config, ConfigError, from_dict, from_query
from app.explain import format_number
from app.sessions import Session, SessionStore
from app.training import Trainer, check_actions

IRIS = Config(dataset="iris", hidden=(8,))


def test_actions_go_through_the_url_and_the_config_file_unchanged():
    config = replace(IRIS, picks=(Pick(0, 57), Pick(12, 3)),
                     edits=(Edit(5, 1, 2, 0, 0.5), Edit(5, 2, 1, None, -1 / 3)), loads=(Load(9, "ab" * 12),))
    query = config.to_query()
    assert query["pick"] == "57@0,3@12"
    assert query["edit"] == "w1.2.0:0.5@5,b2.1:-0.3333333333333333@5"
    assert query["load"] == "abababababababababababab@9"
    assert from_query(query) == config
    assert from_dict(config.to_dict()) == config


@pytest.mark.parametrize("key, text", [("pick", "57"), ("pick", "a@1"), ("edit", "w1.2:0.5@1"),
                                       ("edit", "w1.2.0:nan@1"), ("edit", "b1.0:1e9@0"), ("load", "xyz@1")])
def test_malformed_actions_are_reported(key, text):
    with pytest.raises(ConfigError) as error:
        from_query({"dataset": "iris", key: text})
    assert {"pick": "picks", "edit": "edits", "load": "loads"}[key] in error.value.errors


def test_a_pick_replaces_one_steps_sample_and_the_seeded_order_goes_on():
    plain = Trainer(IRIS)
    seeded = [plain.sample_for(s) for s in range(6)]
    row = next(r for r in plain.train if r != seeded[3])
    picked = Trainer(replace(IRIS, picks=(Pick(3, int(row)),)))
    traces = [picked.step() for _ in range(6)]
    assert [t.sample for t in traces] == seeded[:3] + [row] + seeded[4:]


def test_an_edit_takes_effect_at_the_start_of_its_step_and_replays_bit_for_bit():
    config = replace(IRIS, edits=(Edit(4, 1, 2, 0, 0.5), Edit(4, 2, 1, None, -0.25)))
    trainer = Trainer(config)
    traces = [trainer.step() for _ in range(6)]
    assert traces[3].phases[-2].values["new_weights"][2, 0] != 0.5
    assert traces[4].phases[0].values["weights"][2, 0] == 0.5  # the forward pass of step 4 uses it
    assert traces[4].phases[1].values["biases"][1] == -0.25
    again = Trainer(config)
    again.run(5)
    repeated = again.step()
    assert repeated.loss == traces[5].loss
    for before, now in zip(traces[5].phases, repeated.phases):
        for key, value in before.values.items():
            assert np.array_equal(value, now.values[key])


def test_loaded_weights_replace_every_weight(tmp_path, monkeypatch):
    monkeypatch.setenv("MIRRORPROP_DATA_DIR", str(tmp_path))
    source = Trainer(Config(dataset="iris", hidden=(8,), seed=7))
    key = uploads.store_weights(source.network.weights[1:], source.network.biases[1:])
    trainer = Trainer(replace(IRIS, loads=(Load(2, key),)))
    traces = [trainer.step() for _ in range(3)]
    assert np.array_equal(traces[2].phases[0].values["weights"], source.network.weights[1])
    assert not np.array_equal(traces[1].phases[0].values["weights"], source.network.weights[1])
    assert check_actions(replace(IRIS, loads=(Load(2, key),))) == {}
    assert "no longer" in check_actions(replace(IRIS, loads=(Load(2, "0" * 24),)))["loads"]


def test_recording_starts_a_new_future():
    config = replace(IRIS, picks=(Pick(2, 5), Pick(9, 6)), edits=(Edit(3, 1, 0, 0, 1.0), Edit(8, 1, 0, 0, 2.0)))
    now = actions.record(config, Pick(3, 7))
    assert now.picks == (Pick(2, 5), Pick(3, 7)) and now.edits == (Edit(3, 1, 0, 0, 1.0),)
    again = actions.record(now, Edit(3, 1, 0, 0, 4.0))
    assert again.edits == (Edit(3, 1, 0, 0, 4.0),)
    loaded = actions.record(again, Load(3, "c" * 24))
    assert loaded.edits == () and loaded.loads == (Load(3, "c" * 24),)
    assert actions.boundary(3, -1) == 3 and actions.boundary(3, 0) == 4


def test_a_session_follows_a_new_action_keeping_what_still_holds():
    store = SessionStore()
    session = store.for_tab("t", IRIS)
    session.trace(300)
    row = int(session.trainer.train[0])
    followed = store.for_tab("t", actions.record(IRIS, Pick(200, row)))
    assert followed is session
    assert session.history.size == 200 and 199 in session._traces and 200 not in session._traces
    fresh = Session("fresh", followed.config)
    for step in (150, 200, 260):
        assert session.trace(step).loss == fresh.trace(step).loss
        assert np.array_equal(session.trace(step).phases[-1].values["new_weights"],
                              fresh.trace(step).phases[-1].values["new_weights"])
    assert session.trace(200).sample == row


def test_the_page_state_drops_actions_that_do_not_fit_with_a_message():
    test_row = int(Trainer(IRIS).test[0])
    params = {**IRIS.to_query(), "pick": f"{test_row}@3", "edit": "w3.0.0:1@2"}
    page, errors = state.parse(params)
    assert page.config.picks == () and page.config.edits == ()
    assert "training samples" in errors["picks"] and "w3.0.0" in errors["edits"]


def edit_form(client, query: dict, **target) -> str:
    """The edit form's "which number" part, for a weight or bias at the query's cursor."""
    response = client.post("/ui/edit/target", data={**query, **target})
    assert response.status_code == 200
    return html.unescape(response.text)


def test_the_edit_form_shows_the_value_for_people_and_keeps_every_digit(client):
    query = {**IRIS.to_query(), "step": "6", "phase": "-1", "tab": "edit-form-start"}
    trainer = Trainer(IRIS)
    trainer.run(6)
    value = float(trainer.step().phases[1].values["weights"][1, 3])  # W²[2, 4] before step 7
    form = edit_form(client, query, kind="weight", layer="2", to="2", **{"from": "4"})
    shown = format_number(value)
    assert f"W²[2, 4]</b> = <output id=\"edit-current\" data-value=\"{value!r}\" title=\"exactly {value!r}\">{shown}</output>" in form
    assert value < 0 and shown.startswith("−") and shown != repr(value)  # 4 significant digits, a true minus
    assert "after the update" not in form.lower()  # at the start of a step, the value on screen is the one replaced


def test_mid_step_the_form_and_the_message_name_the_value_that_an_edit_replaces(client):
    query = {**IRIS.to_query(), "step": "6", "phase": "3", "tab": "edit-form-mid"}  # backward pass of step 7
    trainer = Trainer(IRIS)
    trainer.run(6)
    step = trainer.step()
    on_screen = float(step.phases[1].values["weights"][1, 3])  # the picture still shows the weights before the update
    replaced = float(step.phases[-1].values["new_weights"][1, 3])  # step 8 starts from the updated ones
    assert on_screen != replaced
    form = edit_form(client, query, kind="weight", layer="2", to="2", **{"from": "4"})
    assert f">{format_number(on_screen)}</output> <span class=\"muted\">on screen, before this step's update" in form
    assert (f"After the update: <b data-value=\"{replaced!r}\" title=\"exactly {replaced!r}\">"
            f"{format_number(replaced)}</b>, the value you replace from step 8 on.") in form
    response = client.post("/ui/edit", data={**query, "kind": "weight", "layer": "2", "to": "2", "from": "4",
                                             "value": "2.5"})
    message = html.unescape(response.text)
    assert (f"W²[2, 4]: {format_number(replaced)} (after step 7's update; {format_number(on_screen)} on screen "
            f"before it) → 2.5, from step 8 on.") in message
    assert 'data-value="2.5" title="exactly 2.5">2.5</output>' in message  # now at step 8, the form shows the edit
