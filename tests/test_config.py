"""Config: what the URL, the JSON API and config files say, and a clear word for each bad field."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import datasets
from app.config import MAX_HIDDEN_LAYERS, MAX_NEURONS, Config, ConfigError, from_dict, from_query, load_file
from app.network import HIDDEN_ACTIVATIONS

MAZUR = Path(__file__).resolve().parent.parent / "examples" / "mazur.json"
OUTPUT_AND_LOSS = [("softmax", "cross_entropy"), ("softmax", "squared_error"), ("sigmoid", "cross_entropy"),
                   ("sigmoid", "squared_error"), ("identity", "squared_error")]


@st.composite
def configs(draw) -> Config:
    hidden = tuple(draw(st.lists(st.integers(1, MAX_NEURONS), max_size=MAX_HIDDEN_LAYERS)))
    if draw(st.booleans()) or not hidden:
        activation = (draw(st.sampled_from(HIDDEN_ACTIVATIONS)),) * max(len(hidden), 1)
    else:
        activation = tuple(draw(st.sampled_from(HIDDEN_ACTIVATIONS)) for _ in hidden)
    output, loss = draw(st.sampled_from(OUTPUT_AND_LOSS))
    return Config(
        dataset=draw(st.sampled_from(["iris", "digits", "xor"])),
        hidden=hidden,
        activation=activation,
        output=output,
        loss=loss,
        learning_rate=draw(st.floats(min_value=0, max_value=1e6, exclude_min=True)),
        seed=draw(st.integers(0, 2**32 - 1)),
        test_fraction=draw(st.sampled_from([0.2, 0.0, 0.5]) | st.floats(0, 0.5)),
    )


@settings(max_examples=200, deadline=None)
@given(config=configs())
def test_query_round_trip(config):
    query = config.to_query()
    assert all(isinstance(v, str) for v in query.values())
    assert from_query(query) == config


def test_query_is_short_for_usual_values():
    query = Config(hidden=(8, 4), activation=("tanh", "tanh"), learning_rate=0.1).to_query()
    assert query == {"dataset": "iris", "hidden": "8,4", "activation": "tanh", "output": "softmax",
                     "loss": "cross_entropy", "lr": "0.1", "seed": "1"}
    assert Config(learning_rate=0.123456789).to_query()["lr"] == "0.123456789"


def test_query_defaults_and_no_hidden_layers():
    assert from_query({}) == Config()
    config = from_query({"hidden": "0", "activation": "relu"})
    assert config.hidden == () and config.hidden_activations == []
    assert from_query(config.to_query()) == config


def test_dict_and_file_round_trip(tmp_path):
    config = load_file(MAZUR)
    assert config.hidden == (2,) and config.learning_rate == 0.5 and config.dataset == "inline"
    assert config.weights == (((0.15, 0.2), (0.25, 0.3)), ((0.4, 0.45), (0.5, 0.55)))
    assert from_dict(config.to_dict()) == config
    plain = Config(hidden=(3, 2), activation=("relu", "tanh"), seed=9)
    assert from_dict(plain.to_dict()) == plain


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"hidden": "1,1,1,1,1,1,1"}, "hidden", f"use 0 to {MAX_HIDDEN_LAYERS} hidden layers"),
        ({"hidden": "8,0"}, "hidden", f"each hidden layer needs 1 to {MAX_NEURONS} neurons"),
        ({"hidden": "33"}, "hidden", f"each hidden layer needs 1 to {MAX_NEURONS} neurons"),
        ({"hidden": "2.5"}, "hidden", "whole numbers"),
        ({"hidden": "eight"}, "hidden", "whole numbers"),
        ({"lr": "0"}, "learning_rate", "above 0"),
        ({"lr": "-0.1"}, "learning_rate", "above 0"),
        ({"lr": "abc"}, "learning_rate", "must be a number"),
        ({"lr": "nan"}, "learning_rate", "above 0"),
        ({"lr": "inf"}, "learning_rate", "above 0"),
        ({"lr": "2e6"}, "learning_rate", "at most 1e+06"),
        ({"seed": "-1"}, "seed", "0 to 4294967295"),
        ({"seed": "1.5"}, "seed", "whole number"),
        ({"seed": "4294967296"}, "seed", "0 to 4294967295"),
        ({"dataset": "mnist"}, "dataset", "unknown dataset 'mnist'"),
        ({"output": "identity", "loss": "cross_entropy"}, "loss", "cross_entropy needs outputs that are probabilities"),
        ({"output": "tanh"}, "output", "unknown output 'tanh'"),
        ({"loss": "hinge"}, "loss", "unknown loss 'hinge'"),
        ({"activation": "swish"}, "activation", "unknown activation 'swish'"),
        ({"hidden": "4,4", "activation": "tanh,relu,relu"}, "activation", "one per hidden layer (2)"),
        ({"split": "0.9"}, "test_fraction", "between 0 and 0.5"),
    ],
)
def test_invalid_values_name_their_field(query, field, message):
    with pytest.raises(ConfigError) as caught:
        from_query(query)
    assert set(caught.value.errors) == {field}
    assert message in caught.value.errors[field]
    assert message in str(caught.value)


def test_several_bad_fields_are_all_reported():
    with pytest.raises(ConfigError) as caught:
        from_query({"hidden": "40", "lr": "0", "seed": "-1", "dataset": "nope"})
    assert set(caught.value.errors) == {"hidden", "learning_rate", "seed", "dataset"}


def test_unknown_settings_in_a_file_are_reported():
    with pytest.raises(ConfigError) as caught:
        from_dict({"dataset": "iris", "learning_rat": 0.1})
    assert caught.value.errors == {"learning_rat": "unknown setting"}


def test_known_datasets_are_accepted():
    for name in datasets.NAMES:
        assert from_query({"dataset": name}).dataset == name


def test_load_file_with_bad_json_names_the_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "dataset": "iris",\n  "hidden": [8,,4]\n}\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_file(bad)
    assert set(caught.value.errors) == {"file"}
    assert "is not valid JSON (line 3, column" in caught.value.errors["file"]


def test_load_file_errors(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_file(tmp_path / "missing.json")
    assert "cannot read" in caught.value.errors["file"]
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_file(listed)
    assert "must hold a JSON object" in caught.value.errors["file"]
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"lr": 0, "hidden": [64]}', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_file(wrong)
    assert set(caught.value.errors) == {"learning_rate", "hidden"}


def test_inline_layers_must_fit_the_data():
    with pytest.raises(ConfigError) as caught:
        from_dict({"layers": [3, 2, 2], "inputs": [[0.05, 0.1]], "targets": [[0.01, 0.99]]})
    assert "do not fit 2 inputs and 2 targets" in caught.value.errors["layers"]
