"""The widget registry: each default said once (the kernel's signature, or the entry's
``defaults``), named data sets, the labs as one family entry, and every mistake reported at its
line of widgets.toml."""

from __future__ import annotations

import inspect
import tomllib

import pytest

from pyodide_kernels.dispatch import kernel_table
from pyodide_kernels.labs import lab_list
from sitebuild.errors import BuildError
from sitebuild.pages.registry import load_registry
from tests.conftest import REPO

T = 'title = "Softmax by hand"'
QUIZ = """\
[quiz]
title = "Softmax by hand"
kernel = "softmax_quiz"
module = "widgets/softmax-quiz.js"
settings = ["size"]
[quiz.defaults]
logits = [2.0, 1.0, 0.1]
tolerance = 0.01
"""


def load(tmp_path, text: str):
    (tmp_path / "widgets.toml").write_text(text, encoding="utf-8")
    if not (tmp_path / "traces").exists():
        (tmp_path / "traces").symlink_to(REPO / "traces")
    return load_registry(tmp_path / "widgets.toml", REPO / "static")


def refusal(tmp_path, text: str) -> BuildError:
    with pytest.raises(BuildError) as caught:
        load(tmp_path, text)
    return caught.value


def test_settings_take_the_kernels_default_and_defaults_only_what_differs(tmp_path):
    (quiz,) = load(tmp_path, QUIZ).values()
    size = inspect.signature(kernel_table()["softmax_quiz"]).parameters["size"].default
    assert quiz.params == {"logits": [2.0, 1.0, 0.1], "size": size, "tolerance": 0.01}
    assert list(quiz.params) == ["logits", "size", "tolerance"]  # the kernel's order, page last


@pytest.mark.parametrize(
    ("edit", "line", "reason"),
    [
        (('settings = ["size"]', 'settings = ["size", "colour"]'), 5, "no parameter 'colour'"),
        (('settings = ["size"]', 'settings = ["size", "logits"]'), 7, "in settings and defaults"),
        (('settings = ["size"]', 'settings = ["tolerance"]'), 5, "no parameter 'tolerance'"),
        (("tolerance = 0.01", "colour = 1"), 8, "the kernel has no parameter 'colour'"),
        (('kernel = "softmax_quiz"', 'kernel = "nope"'), 3, "unknown kernel 'nope'"),
        (('module = "widgets/softmax-quiz.js"', 'module = "widgets/x.js"'), 4, "static/widgets/x"),
        ((T, T + '\ndata = ["gone"]'), 3, "data file or set 'gone'"),
        ((T, T + '\nvendor = ["d3"]'), 3, "unknown vendor library 'd3'"),
        ((T, T + '\ncolour = "red"'), 3, "unknown field 'colour'"),
        ((T + "\n", ""), 1, "lacks title"),
        (("tolerance = 0.01", "tolerance = 0.01 0.2"), 8, "invalid TOML"),
    ],
)
def test_every_registry_mistake_names_its_line(tmp_path, edit, line, reason):
    error = refusal(tmp_path, QUIZ.replace(*edit))
    assert (error.path, error.line) == (str(tmp_path / "widgets.toml"), line), error
    assert reason in error.reason


def test_a_kernel_parameter_without_a_default_must_be_given(tmp_path):
    text = '[play]\ntitle = "T"\nkernel = "tokenizer_compare"\nmodule = "widgets/lab.js"\n'
    error = refusal(tmp_path, "# a comment\n\n" + text)
    assert error.line == 3 and "no default for 'text'" in error.reason
    registry = load(tmp_path, text + '[play.defaults]\ntext = "hi"\n')
    assert registry["play"].params == {"text": "hi"}


def test_named_data_sets_expand_in_place(tmp_path):
    data = 'data = ["model", "traces/loss_curve.json"]'
    sets = '[data-sets]\nmodel = ["traces/model.npz", "traces/model.json"]\n\n'
    text = sets + QUIZ.replace(T, f"{T}\n{data}")
    (quiz,) = load(tmp_path, text).values()
    assert quiz.data == ("traces/model.npz", "traces/model.json", "traces/loss_curve.json")


def test_the_lab_family_is_one_widget_per_lab_the_kernel_lists(tmp_path):
    text = (
        '[lab]\nfamily = "lab_list"\ntitle = "Lab: {title}"\nkernel = "lab_run"\n'
        'module = "widgets/lab.js"\ntemplate = "lab"\n'
        'settings = ["prompt", "seed", "tokens", "temperature", "top_k", "checkpoint"]\n'
        "[lab.defaults]\nparams = {}\n"
    )
    registry = load(tmp_path, text)
    listed = lab_list()
    assert list(registry) == [f"lab-{lab['name']}" for lab in listed["labs"]]
    for lab in listed["labs"]:
        widget = registry[f"lab-{lab['name']}"]
        assert widget.title == f"Lab: {lab['title']}" and widget.template == "lab"
        assert widget.params == {"lab": lab["name"], **listed["shared"], "params": {}}


def test_the_real_registry_says_each_default_once():
    registry = load_registry(REPO / "widgets.toml", REPO / "static")
    text = (REPO / "widgets.toml").read_text(encoding="utf-8")
    tables = set(tomllib.loads(text)) - {"data-sets", "lab"}  # the family stands for the labs
    assert len(registry) == len(tables) + len(lab_list()["labs"])
    assert text.count('"traces/model.npz"') == 1  # in the model data set only
    assert "[lab-" not in text
