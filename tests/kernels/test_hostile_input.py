"""Hostile arguments to every kernel, through the same JSON door the browser uses: the answer is
always JSON holding a result or a readable error, never an uncaught exception or a hang.

Kernels are read from the dispatch, so a kernel added later is covered without editing this file.
"""

from __future__ import annotations

import inspect
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyodide_kernels.dispatch import call_json, kernel_table

NASTY_TEXT = st.sampled_from(
    [
        "",
        "x" * 10_000,
        "👩🏽‍💻🇫🇷",
        "e\u0301\u0301\u0301",
        "שלום עולם",
        "\x00\x07\x1b[31m",
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "1e309",
        "NaN",
        "0,66",
        "2/3",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    NASTY_TEXT,
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=6), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=30,
)


def parameters(name: str) -> list[str]:
    return list(inspect.signature(kernel_table()[name]).parameters)


#: A kernel that takes this long on one input has a pathological case (a quadratic loop); the
#: bound is loose because the machine may be busy (a model kernel's first call took 5.5 s then).
#: The errors a kernel answers bad input with: the builtin kinds, and the code panel's own
#: (pyodide_kernels/edited.py), which names the reader's line.
READABLE = {"ValueError", "TypeError", "KeyError", "OverflowError", "EditedCodeError"}


@settings(max_examples=300, deadline=15_000, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), name=st.sampled_from(sorted(kernel_table())))
def test_any_arguments_give_a_result_or_a_readable_error(data, name):
    keys = parameters(name)
    args = data.draw(st.dictionaries(st.sampled_from(keys + ["unknown"]), VALUES, max_size=4))
    text = json.dumps(args, allow_nan=True)
    answer = json.loads(call_json(name, text))
    assert set(answer) in ({"result"}, {"error"})
    if "error" in answer:
        assert answer["error"]["type"] in READABLE, answer["error"]
        assert answer["error"]["message"].strip()


@given(st.text(max_size=200))
def test_arbitrary_json_text_is_answered(text):
    answer = json.loads(call_json("softmax", text))
    assert set(answer) in ({"result"}, {"error"})
