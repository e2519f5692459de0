"""A snapshot stored without its zero pages comes back byte for byte."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sitebuild.runtime.sparse import nonzero_runs, pack, unpack

#: Data made of pages that are all zeros or not, with a short tail: what a heap looks like.
pages = st.lists(st.sampled_from([bytes(8), b"\1" + bytes(7), bytes(7) + b"\xff", b"abcdefgh"]))
heaps = st.tuples(pages, st.binary(max_size=7)).map(lambda p: b"".join(p[0]) + p[1])


@given(heaps)
def test_packing_leaves_out_only_zero_pages_and_unpacks_exactly(data):
    packed, runs = pack(data, page=8)
    assert unpack(packed, runs, len(data)) == data
    kept = {offset // 8 + i for offset, size in runs for i in range(-(-size // 8))}
    for number in range(-(-len(data) // 8)):
        assert (number in kept) == any(data[number * 8 : number * 8 + 8])


@given(heaps)
def test_runs_are_ordered_and_never_touch(data):
    runs = nonzero_runs(data, page=8)
    for (a, size), (b, _) in zip(runs, runs[1:], strict=False):
        assert a + size < b and a % 8 == 0 and b % 8 == 0


def test_the_docstring_example():
    data = b"ab" + bytes(8190) + b"c"
    assert pack(data, page=4096) == (b"ab" + bytes(4094) + b"c", [[0, 4096], [8192, 1]])
    assert nonzero_runs(bytes(5) + b"x", page=2) == [[4, 2]]
    assert nonzero_runs(bytes(100)) == [] and nonzero_runs(b"") == []


def test_unpacking_refuses_runs_that_do_not_match_the_data():
    import pytest

    with pytest.raises(ValueError, match="the runs cover 1 bytes, the packed data has 2"):
        unpack(b"xy", [[0, 1]], 4)
