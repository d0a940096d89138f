"""Tests for app.datasets: real values of the shipped sets, determinism of the drawn ones, CSV errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import datasets
from app.datasets import DatasetError, from_csv, load

GENERATED = ("tiny-flowers", "circle", "spiral", "gaussians", "moons")
POINTS_2D = ("circle", "spiral", "gaussians", "moons")
ARRAY_FIELDS = ("features_raw", "features", "mean", "std", "labels", "targets")


def nearest_class_mean_accuracy(train: datasets.Dataset, test: datasets.Dataset) -> float:
    """Accuracy on test of the classifier 'closest class mean of train' (features (n, d))."""
    means = np.stack([train.features[train.labels == k].mean(axis=0) for k in range(train.n_classes)])
    distances = ((test.features[:, None, :] - means[None, :, :]) ** 2).sum(axis=2)
    return float((distances.argmin(axis=1) == test.labels).mean())


# ---------------------------------------------------------------- every dataset


@pytest.mark.parametrize("name", datasets.NAMES)
def test_every_dataset_is_consistent(name):
    data = load(name)
    n, d, k = data.n_samples, data.n_features, data.n_classes
    assert data.name == name and data.title and data.kind in ("tabular", "image", "2d")
    assert data.features_raw.shape == data.features.shape == (n, d)
    assert data.mean.shape == data.std.shape == (d,)
    assert data.labels.shape == (n,) and data.labels.dtype == np.int64
    assert data.targets.shape == (n, k) and data.targets.dtype == np.float64
    assert data.features.dtype == data.features_raw.dtype == np.float64
    assert len(data.feature_names) == d and len(set(data.class_names)) == k >= 2
    assert np.array_equal(data.targets.argmax(axis=1), data.labels)
    assert np.array_equal(data.targets.sum(axis=1), np.ones(n))
    assert set(np.unique(data.labels)) == set(range(k))
    assert np.all(np.isfinite(data.features))
    np.testing.assert_allclose(data.features, (data.features_raw - data.mean) / data.std, atol=1e-12)
    if data.kind == "image":
        assert data.image_shape == (8, 8) and d == 64
    else:
        assert data.image_shape is None


@pytest.mark.parametrize("name", datasets.NAMES)
def test_arrays_are_read_only(name):
    data = load(name)
    for field in ARRAY_FIELDS:
        array = getattr(data, field)
        assert not array.flags.writeable, field
        with pytest.raises(ValueError):
            array[0] = 0
    with pytest.raises(AttributeError):
        data.name = "other"


def test_uploaded_arrays_are_read_only():
    data = from_csv("a,b,label\n1,2,x\n3,4,y\n")
    assert not any(getattr(data, field).flags.writeable for field in ARRAY_FIELDS)


def test_load_is_cached_and_fast():
    assert load("iris") is load("iris")
    assert load("moons", noise=0.2, seed=3) is load("moons", noise=0.2, seed=3)


def test_names_default_and_describe():
    assert datasets.NAMES == ("iris", "tiny-flowers", "digits", "xor", "circle", "spiral", "gaussians", "moons")
    assert datasets.DEFAULT == "iris"
    rows = datasets.describe()
    assert [row["name"] for row in rows] == list(datasets.NAMES)
    by_name = {row["name"]: row for row in rows}
    assert by_name["iris"] == {
        "name": "iris",
        "title": "Iris flowers (Fisher, 1936)",
        "kind": "tabular",
        "n_samples": 150,
        "n_features": 4,
        "n_classes": 3,
        "has_noise": False,
        "default_noise": None,
        "noise_min": None,
        "noise_max": None,
    }
    assert by_name["digits"]["n_samples"] == 1797 and by_name["digits"]["n_classes"] == 10
    for name in GENERATED:
        assert by_name[name]["has_noise"] and 0.0 <= by_name[name]["default_noise"] <= 1.0
    rows[0]["name"] = "changed"
    assert datasets.describe()[0]["name"] == "iris"


# ---------------------------------------------------------------- shipped data


def test_iris_real_values():
    iris = load("iris")
    assert (iris.n_samples, iris.n_features, iris.n_classes) == (150, 4, 3)
    assert iris.class_names == ("setosa", "versicolor", "virginica")
    assert iris.feature_names == (
        "sepal length (cm)",
        "sepal width (cm)",
        "petal length (cm)",
        "petal width (cm)",
    )
    assert np.bincount(iris.labels).tolist() == [50, 50, 50]
    assert iris.features_raw[0].tolist() == [5.1, 3.5, 1.4, 0.2]
    assert iris.class_names[iris.labels[0]] == "setosa"
    assert iris.features_raw[-1].tolist() == [5.9, 3.0, 5.1, 1.8]
    assert iris.class_names[iris.labels[-1]] == "virginica"
    np.testing.assert_allclose(iris.mean, [5.8433, 3.0573, 3.758, 1.1993], atol=1e-4)
    np.testing.assert_allclose(iris.features.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(iris.features.std(axis=0), 1.0, atol=1e-12)
    assert "Fisher" in iris.citation and "1936" in iris.citation


def test_digits_real_values():
    digits = load("digits")
    assert (digits.n_samples, digits.n_features, digits.n_classes) == (1797, 64, 10)
    assert digits.class_names == tuple(str(i) for i in range(10))
    assert digits.labels[0] == 0 and digits.labels[1] == 1
    first = digits.features_raw[0].reshape(8, 8)
    assert first[0].tolist() == [0, 0, 5, 13, 9, 1, 0, 0]
    assert first[0, 3] == 13.0 and digits.features[0, 3] == 13.0 / 16.0
    assert digits.features_raw.min() == 0.0 and digits.features_raw.max() == 16.0
    assert np.all(digits.features_raw == np.round(digits.features_raw))
    assert np.array_equal(digits.mean, np.zeros(64)) and np.array_equal(digits.std, np.full(64, 16.0))
    assert digits.feature_names[0] == "pixel 0,0" and digits.feature_names[9] == "pixel 1,1"
    assert np.bincount(digits.labels).min() >= 170
    assert "Alpaydin" in digits.citation


def test_citation_file_names_both_sources():
    text = (datasets.DATA_DIR / "CITATION.md").read_text(encoding="utf-8")
    for phrase in ("Fisher", "1936", "Alpaydin", "Kaynak", "CC BY 4.0", "iris.csv", "digits.csv.gz"):
        assert phrase in text


def test_xor():
    xor = load("xor")
    assert xor.features_raw.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert xor.labels.tolist() == [0, 1, 1, 0]
    assert xor.feature_names == ("x1", "x2")
    assert np.array_equal(xor.features, xor.features_raw)
    assert np.array_equal(xor.mean, [0, 0]) and np.array_equal(xor.std, [1, 1])


# ---------------------------------------------------------------- generated data


@pytest.mark.parametrize("name", GENERATED)
def test_generation_is_deterministic(name):
    first, again = load(name, seed=7), datasets._build.__wrapped__(name, datasets.NOISE[name].default, 7)
    assert first is not again
    for field in ARRAY_FIELDS:
        assert np.array_equal(getattr(first, field), getattr(again, field)), field
    other = load(name, seed=8)
    assert not np.array_equal(first.features, other.features)


@pytest.mark.parametrize("name", GENERATED)
def test_noise_changes_the_data(name):
    quiet, noisy = load(name, noise=0.0), load(name, noise=0.3)
    assert quiet.features.shape == noisy.features.shape
    assert not np.allclose(quiet.features, noisy.features)
    assert load(name).features.tolist() == load(name, noise=datasets.NOISE[name].default).features.tolist()


@pytest.mark.parametrize("name", POINTS_2D)
def test_2d_sets_are_balanced_and_in_range(name):
    data = load(name)
    assert data.kind == "2d" and data.feature_names == ("x1", "x2")
    assert data.n_classes == 2 and np.bincount(data.labels).tolist() == [100, 100]
    assert np.abs(data.features).max() < 1.6
    assert data.citation == ""
    assert not any(colour in " ".join(data.class_names).lower() for colour in ("blue", "orange", "red"))
    assert data.labels[:20].min() == 0 and data.labels[:20].max() == 1  # shuffled: classes interleaved


@pytest.mark.parametrize("name", POINTS_2D)
def test_2d_sets_are_learnable_without_noise(name):
    """A 1-nearest-neighbour rule trained on one seed classifies another seed's clean points well."""
    train, test = load(name, noise=0.0, seed=1), load(name, noise=0.0, seed=2)
    distances = ((test.features[:, None, :] - train.features[None, :, :]) ** 2).sum(axis=2)
    accuracy = (train.labels[distances.argmin(axis=1)] == test.labels).mean()
    assert accuracy > 0.9


def test_tiny_flowers_images():
    flowers = load("tiny-flowers")
    assert (flowers.n_samples, flowers.n_features) == (400, 64)
    assert flowers.class_names == ("daisy", "tulip", "clover", "sunflower")
    assert flowers.image_shape == (8, 8) and flowers.kind == "image"
    assert flowers.features.min() >= 0.0 and flowers.features.max() <= 1.0
    counts = np.bincount(flowers.labels)
    assert counts.min() >= 80 and counts.max() <= 120
    assert flowers.features.reshape(-1, 8, 8).mean(axis=(1, 2)).min() > 0.02  # no blank pictures


@pytest.mark.parametrize("noise", [0.0, 0.05, 0.2])
def test_tiny_flowers_are_distinguishable(noise):
    train, test = load("tiny-flowers", noise=noise, seed=1), load("tiny-flowers", noise=noise, seed=2)
    assert nearest_class_mean_accuracy(train, test) > 0.8


@pytest.mark.parametrize("noise", [-0.01, 1.01, float("nan"), float("inf"), "0.1", True])
@pytest.mark.parametrize("name", GENERATED)
def test_bad_noise_is_refused(name, noise):
    with pytest.raises(DatasetError, match="[Nn]oise"):
        load(name, noise=noise)


@pytest.mark.parametrize("name", ("iris", "digits", "xor"))
def test_noise_on_a_fixed_set_is_refused(name):
    with pytest.raises(DatasetError, match="no noise"):
        load(name, noise=0.1)


def test_unknown_name_and_bad_seed():
    with pytest.raises(DatasetError, match="Unknown dataset 'mnist'.*iris"):
        load("mnist")
    with pytest.raises(DatasetError, match="seed"):
        load("moons", seed=-1)
    with pytest.raises(DatasetError, match="seed"):
        load("moons", seed=1.5)


@settings(max_examples=25, deadline=None)
@given(
    name=st.sampled_from(POINTS_2D),
    noise=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32),
)
def test_any_valid_noise_and_seed_gives_a_sound_2d_set(name, noise, seed):
    data = load(name, noise=noise, seed=seed)
    assert np.bincount(data.labels).tolist() == [100, 100]
    assert np.all(np.isfinite(data.features))


# ---------------------------------------------------------------- user CSV


GOOD_CSV = (
    "\ufeff\"petal length\",petal width,species\r\n"
    "1.4,0.2,setosa\r\n"
    '4.7,"1.4",versicolor\r\n'
    "6.0,2.5,virginica\r\n"
    "1.3,0.2,setosa\r\n"
    "\r\n"
    "\r\n"
)


def test_good_csv_with_string_labels_round_trips():
    data = from_csv(GOOD_CSV.encode("utf-8"), name="my flowers")
    assert data.name == "my flowers" and data.kind == "tabular" and data.citation == ""
    assert data.feature_names == ("petal length", "petal width")
    assert data.class_names == ("setosa", "versicolor", "virginica")
    assert data.labels.tolist() == [0, 1, 2, 0]
    assert data.features_raw.tolist() == [[1.4, 0.2], [4.7, 1.4], [6.0, 2.5], [1.3, 0.2]]
    np.testing.assert_allclose(data.features.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(data.features.std(axis=0), 1.0, atol=1e-12)
    assert from_csv(GOOD_CSV).features.tolist() == data.features.tolist()  # str in, same result


def test_shipped_iris_file_reads_as_an_upload():
    upload = from_csv((datasets.DATA_DIR / "iris.csv").read_bytes())
    iris = load("iris")
    assert upload.class_names == iris.class_names and upload.feature_names == iris.feature_names
    assert np.array_equal(upload.labels, iris.labels)
    assert np.array_equal(upload.features_raw, iris.features_raw)


def test_csv_label_column_by_name_and_numeric_labels():
    data = from_csv("digit,a,b\n10,1,2\n2,3,4\n10,5,7\n", label_column="digit")
    assert data.feature_names == ("a", "b")
    assert data.class_names == ("2", "10")  # numbers sort by value
    assert data.labels.tolist() == [1, 0, 1]


def test_csv_constant_column_gets_std_one():
    data = from_csv("a,b,label\n1,5,x\n2,5,y\n3,5,x\n")
    assert data.std[1] == 1.0 and data.features[:, 1].tolist() == [0.0, 0.0, 0.0]


def big_csv(rows: int) -> str:
    """A valid CSV with `rows` data rows of 2 classes."""
    return "a,label\n" + "".join(f"{i},{'xy'[i % 2]}\n" for i in range(rows))


def test_csv_at_the_limits_is_accepted():
    assert from_csv(big_csv(5000)).n_samples == 5000
    header = ",".join(f"f{i}" for i in range(64)) + ",label\n"
    assert from_csv(header + ",".join(["1"] * 64) + ",x\n" + ",".join(["2"] * 64) + ",y\n").n_features == 64
    twenty = "a,label\n" + "".join(f"{i},c{i}\n" for i in range(20))
    assert from_csv(twenty).n_classes == 20


def many_columns(features: int) -> str:
    header = ",".join(f"f{i}" for i in range(features)) + ",label\n"
    return header + ",".join(["1"] * features) + ",x\n" + ",".join(["2"] * features) + ",y\n"


CSV_ERRORS = [
    ("empty", b"", "empty"),
    ("blank lines only", b"\r\n\n  \n", "empty"),
    ("header only", b"a,b,label\n", "no data rows"),
    ("one data row", b"a,b,label\n1,2,x\n", "only 1 data row"),
    ("ragged", b"a,b,c,d,label\n1,2,3,4,x\n1,2,3,4,y\n1,2,3,4,x\n1,2,3,4,y\n1,2,3,4,x\n1,2,3,x\n",
     "Row 7 has 4 cells, the header has 5"),
    ("too many cells", b"a,b,label\n1,2,x\n1,2,3,y\n", "Row 3 has 4 cells, the header has 3"),
    ("not a number", b"a,petal width,label\n1,2,x\n1,abc,y\n", "Row 3, column 'petal width': 'abc' is not a number"),
    ("empty cell", b"a,b,label\n1,2,x\n1,,y\n", "Row 3, column 'b' is empty"),
    ("NaN", b"a,b,label\n1,2,x\n1,NaN,y\n", "Row 3, column 'b': 'NaN' is a missing value"),
    ("inf", b"a,b,label\n1,2,x\n-inf,3,y\n", "Row 3, column 'a': '-inf' is infinite"),
    ("missing label", b"a,b,label\n1,2,x\n1,3,\n", "Row 3, column 'label': the label is missing"),
    ("one class", b"a,b,label\n1,2,x\n1,3,x\n", "column 'label' has only one class"),
    ("label column not found", b"a,b,label\n1,2,x\n1,3,y\n", "Label column 'kind' not found"),
    ("too many bytes", ("a,label\n" + "1,x\n" * 300_000).encode(), "limit is 1 MB"),
    ("too many rows", big_csv(5001).encode(), "limit is 5,000 data rows"),
    ("too many features", many_columns(65).encode(), "too many feature columns (65): the limit is 64"),
    ("too many classes", ("a,label\n" + "".join(f"{i},c{i}\n" for i in range(21))).encode(),
     "column 'label' has 21 different values: the limit is 20"),
    ("not UTF-8", "a,b,label\n1,2,café\n1,3,y\n".encode("latin-1"), "not UTF-8"),
    ("UTF-16", "a,b,label\n1,2,x\n1,3,y\n".encode("utf-16"), "not UTF-8"),
    ("NUL byte", b"a,b,label\n1,2,x\n1,3,y\x00\n", "Row 3 contains a NUL"),
    ("unclosed quote", b"a,b,label\n1,2,x\n1,3,\"y\n", "Row 3 could not be read as CSV"),
    ("one column", b"label\nx\ny\n", "at least two columns"),
    ("unnamed column", b"a,,label\n1,2,x\n1,3,y\n", "Column 2 of the header"),
    ("repeated column", b"a,b,a\n1,2,x\n1,3,y\n", "Columns 1 and 3 are both named 'a'"),
]


@pytest.mark.parametrize(("case", "data", "message"), CSV_ERRORS, ids=[case[0] for case in CSV_ERRORS])
def test_csv_errors_name_the_problem(case, data, message):
    label_column = "kind" if case == "label column not found" else None
    with pytest.raises(DatasetError) as caught:
        from_csv(data, label_column=label_column)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_csv_row_numbers_count_blank_lines_and_multiline_cells():
    with pytest.raises(DatasetError, match="Row 5, column 'b': 'oops' is not a number"):
        from_csv('a,b,label\n1,2,"two\nlines"\n\n1,oops,y\n')


def test_csv_long_cell_is_cut_in_the_message():
    with pytest.raises(DatasetError) as caught:
        from_csv("a,b,label\n1,2,x\n1," + "z" * 500 + ",y\n")
    assert len(str(caught.value)) < 120


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_a_dataset_or_a_dataset_error(data):
    try:
        result = from_csv(data)
    except DatasetError:
        return
    assert result.n_samples >= 2 and result.n_classes >= 2


@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(
        st.tuples(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.sampled_from(["cat", "dog", "é,\"x\""])),
        min_size=2,
        max_size=30,
    )
)
def test_csv_written_by_the_csv_module_round_trips(values):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["x", "y", "animal"])
    writer.writerows(values)
    labels = [label for _, _, label in values]
    if len(set(labels)) < 2:
        with pytest.raises(DatasetError, match="only one class"):
            from_csv(buffer.getvalue())
        return
    data = from_csv(buffer.getvalue())
    assert data.features_raw.tolist() == [[x, y] for x, y, _ in values]
    assert [data.class_names[k] for k in data.labels] == labels
