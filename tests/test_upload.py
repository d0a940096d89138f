"""Your own data: a CSV checked with errors that name the row and column, stored by its content,
found again after a restart; the network's input and output sizes follow it."""

from __future__ import annotations

import html
import os
import tempfile
from urllib.parse import parse_qs, urlsplit

import pytest

from app import datasets, uploads
from app.config import ConfigError, from_query
from app.training import Trainer

os.environ.setdefault("MIRRORPROP_DATA_DIR", tempfile.mkdtemp(prefix="mirrorprop-test-data-"))

GOOD = "height,weight,size\n" + "\n".join(
    f"{150 + 10 * (i % 3) + (i * 7) % 5},{50 + 8 * (i % 3) + (i * 3) % 4},{('small', 'medium', 'large')[i % 3]}"
    for i in range(60)) + "\n"
BAD = GOOD.splitlines()
BAD[11] = "160,abc,small"
BAD = "\n".join(BAD) + "\n"


def test_the_same_file_gets_the_same_key_and_comes_back(tmp_path, monkeypatch):
    monkeypatch.setenv("MIRRORPROP_DATA_DIR", str(tmp_path))
    key, data = uploads.store_csv(GOOD.encode(), "sizes.csv")
    assert uploads.store_csv(GOOD.encode(), "again.csv")[0] == key
    assert uploads.store_csv((GOOD + "151,52,small\n").encode(), "sizes.csv")[0] != key
    assert (tmp_path / "uploads" / f"{key}.csv").read_bytes() == GOOD.encode()
    uploads.load_csv.cache_clear()
    again = uploads.load_csv(key)
    assert again.title == "Your data: sizes.csv" and again.class_names == ("large", "medium", "small")
    assert (again.features == data.features).all()
    trainer = Trainer(from_query({"dataset": "uploaded", "upload": key, "hidden": "5"}))
    assert trainer.network.sizes == [2, 5, 3]  # input and output sizes follow the data


def test_a_bad_file_is_not_stored_and_says_where(tmp_path, monkeypatch):
    monkeypatch.setenv("MIRRORPROP_DATA_DIR", str(tmp_path))
    with pytest.raises(datasets.DatasetError, match=r"Row 12, column 'weight': 'abc' is not a number"):
        uploads.store_csv(BAD.encode())
    assert not (tmp_path / "uploads").exists()


def test_a_url_naming_a_missing_upload_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("MIRRORPROP_DATA_DIR", str(tmp_path))
    with pytest.raises(ConfigError) as error:
        from_query({"dataset": "uploaded", "upload": "0" * 24})
    assert "upload it again" in error.value.errors["dataset"]
    with pytest.raises(datasets.DatasetError):
        uploads.has_csv("../../etc/passwd") or uploads.load_csv("../x")


def upload(client, body: bytes, name: str = "data.csv", **fields):
    state = {"dataset": "iris", "hidden": "6", "activation": "tanh", "lr": "0.1", "seed": "2", "step": "9",
             "phase": "3", "tab": "upload-test", **fields}
    return client.post("/ui/upload", data=state, files={"file": (name, body, "text/csv")})


@pytest.mark.parametrize("body, message", [
    (BAD.encode(), "Row 12, column 'weight': 'abc' is not a number."),
    (b"a,b\n1,x\n", "only 1 data row"),
    (b"a,b\n1,x\n2,x\n3,x\n", "has only one class"),
    (b"a,,c\n1,2,x\n", "Column 2 of the header (row 1) has no name."),
    ("a,b\n1,x\n2,y\n".encode("utf-16"), "not UTF-8"),
    (b"a,b\n" + b"1,x\n" * 300_000, "too large"),
])
def test_bad_uploads_get_a_clear_message_in_place(client, body, message):
    response = upload(client, body)
    assert response.status_code == 200  # a 4xx would be a console error in the browser
    assert response.headers["hx-retarget"] == "#upload-errors"
    assert message in html.unescape(response.text)


def test_a_good_upload_starts_a_run_on_it_that_survives_a_restart(client, server):
    response = upload(client, GOOD.encode(), "sizes.csv")
    url = response.headers["hx-replace-url"]
    state = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert state["dataset"] == "uploaded" and state["step"] == "0" and state["hidden"] == "6"
    assert 'id="node-0-1"' in response.text and 'id="node-0-2"' not in response.text  # two inputs
    assert 'id="node-2-2"' in response.text  # three classes
    page = client.get(url + "&step=30&phase=2")
    server.restart()
    again = client.get(url + "&step=30&phase=2")
    assert again.status_code == 200 and "Your data: sizes.csv" in again.text
    assert again.text.count('data-a="') == page.text.count('data-a="') > 0
    assert _values(again.text) == _values(page.text)


def _values(page_html: str) -> list[str]:
    import re

    return re.findall(r'id="node-\d-\d"[^>]*?data-a="([^"]+)"', page_html)


def test_a_file_over_the_limit_is_reported_with_its_real_size(client):
    body = b"a,b\n" + b"1,x\n" * 320_000 + b"12"  # 1.28 MB, once reported as "(1,000,001 bytes)"
    assert len(body) == 1_280_006
    message = html.unescape(upload(client, body).text)
    assert "The file is too large (1,280,006 bytes, 1.28 MB): the limit is 1 MB (1,000,000 bytes)." in message
    exactly = upload(client, b"a,b\n" + b"1,x\n" * 249_999)  # 1,000,000 bytes: allowed, so read and checked
    assert "too large" not in html.unescape(exactly.text)
    huge = html.unescape(upload(client, b"a,b\n" + b"1,x\n" * 600_000).text)  # refused before it is read
    assert "The file is too large (the upload is 2,40" in huge and "the limit is 1 MB" in huge


def test_a_file_of_unknown_size_over_the_limit_is_said_to_be_over_it_without_a_wrong_number():
    with pytest.raises(datasets.DatasetError, match=r"^The file is too large, over 1 MB: the limit is 1 MB"):
        uploads.check_csv_size(None, datasets.MAX_CSV_BYTES + 1)
    uploads.check_csv_size(None, datasets.MAX_CSV_BYTES)
    uploads.check_csv_size(datasets.MAX_CSV_BYTES, datasets.MAX_CSV_BYTES)
