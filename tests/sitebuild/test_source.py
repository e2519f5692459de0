"""The code behind a figure (sitebuild/pages/source.py) and a chapter's ``::: listing``: the
kernel first, then the project functions it calls, the plumbing named apart, each exactly as
its file has it; a listing read from a file that is never imported; mistakes at their line."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest

from pyodide_kernels.maths import beam, softmax
from pyodide_kernels.on_model import model_decoding
from sitebuild.errors import BuildError
from sitebuild.pages.source import MOST_FUNCTIONS, function_listing, kernel_listing, listing_id

ROOT = Path(__file__).resolve().parents[2]


def test_a_listing_is_the_kernel_then_what_it_calls_in_order():
    listing = kernel_listing("softmax_quiz")
    assert [f.name for f in listing.functions] == ["softmax_quiz", "softmax", "stable_softmax"]
    assert set(listing.plumbing) == {"as_seed", "as_int", "as_vector"}
    first = listing.functions[0]
    assert (first.path, first.line) == (
        "pyodide_kernels/maths/softmax.py",
        inspect.getsourcelines(softmax.softmax_quiz)[1],
    )
    assert first.source == inspect.getsource(softmax.softmax_quiz)
    assert '<span class="nf">softmax_quiz</span>' in first.html


def test_a_helper_reached_through_its_module_is_listed():
    names = [f.name for f in kernel_listing("model_decoding").functions]
    assert names[0] == "model_decoding"
    assert "beam_search" in names and model_decoding.beam.beam_search is beam.beam_search


def test_a_long_call_graph_is_cut_and_what_is_left_is_named():
    listing = kernel_listing("attention_heatmap")
    assert len(listing.functions) == MOST_FUNCTIONS
    assert listing.more and not set(listing.more) & {f.name for f in listing.functions[:1]}


def test_the_browser_entry_holds_what_the_panel_and_run_edited_need():
    entry = json.loads(json.dumps(kernel_listing("rope_explorer").browser_entry()))
    assert [f["name"] for f in entry["functions"]][:2] == ["rope_explorer", "rope_relative"]
    assert {"name", "module", "path", "line", "source", "html"} <= set(entry["functions"][0])


def test_a_chapter_listing_reads_the_file_without_importing_it():
    step = function_listing("reference/train.py", "train_step", ("c.md", 3))
    text = (ROOT / "reference" / "train.py").read_text().split("\n")
    assert step.source.split("\n")[0] == text[step.line - 1] == "def train_step("
    assert "loss.backward()" in step.source and step.module == "reference.train"
    cache = function_listing("pyodide_kernels/model/cache.py", "KVCache", ("c.md", 3))
    assert cache.source.startswith("class KVCache")
    method = function_listing("pyodide_kernels/model/cache.py", "KVCache.extend", ("c.md", 3))
    assert method.source.startswith("def extend(")


@pytest.mark.parametrize(
    ("path", "name", "reason"),
    [
        ("nowhere.py", "f", "c.md:7: nowhere.py: no such Python file"),
        ("README.md", "f", "c.md:7: README.md: no such Python file"),
        ("reference/train.py", "gone", "c.md:7: reference/train.py: no function or class .gone."),
    ],
)  # fmt: skip
def test_a_listing_of_nothing_stops_the_build_at_its_line(path, name, reason):
    with pytest.raises(BuildError, match=reason):
        function_listing(path, name, ("c.md", 7))


def test_a_family_members_listing_adds_its_own_function():
    listing = kernel_listing("lab_run", "pyodide_kernels.labs.heads.head_ablation")
    assert [f.name for f in listing.functions][:2] == ["lab_run", "head_ablation"]
    assert listing_id("lab_run", "pyodide_kernels.labs.heads.head_ablation") == (
        "lab_run+head_ablation"
    )
    assert listing_id("softmax") == "softmax"
