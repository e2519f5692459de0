"""The runtime health report gives the textbook answers in CPython and fresh random draws."""

from __future__ import annotations

from pyodide_kernels.runtime_check import runtime_check


def test_linear_algebra_and_fft_give_the_textbook_answers():
    report = runtime_check()
    assert report["solve"] == [2.0, 3.0]  # 3x + y = 9, x + 2y = 8
    assert report["rfft"] == [1.0, 1.0, 1.0]  # an impulse has a flat spectrum
    assert report["eigenvalues"] == [1.0, 3.0]  # [[2, 1], [1, 2]]: 2 -/+ 1


def test_each_call_draws_new_random_numbers():
    first, second = runtime_check(), runtime_check()
    assert 0.0 <= first["python_random"] < 1.0 and 0.0 <= first["numpy_random"] < 1.0
    assert first["python_random"] != second["python_random"]
    assert first["numpy_random"] != second["numpy_random"]
