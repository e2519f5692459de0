"""Remembered kernel results: computed once per build and across builds, and forgotten as soon
as any kernel source or data file changes."""

from __future__ import annotations

import os

from sitebuild.pages import statecache
from sitebuild.pages.statecache import StateCache, fingerprint


def test_results_are_computed_once_and_kept_until_an_input_changes(tmp_path, monkeypatch):
    (tmp_path / "pyodide_kernels").mkdir()
    kernel = tmp_path / "pyodide_kernels" / "k.py"
    kernel.write_text("x = 1\n")
    calls: list[str] = []

    def counting_call(name, args):
        calls.append(name)
        return {"probs": [0.5, 0.5]}

    monkeypatch.setattr(statecache, "call", counting_call)
    cache = StateCache.open(tmp_path / ".cache", tmp_path)
    assert cache.call("softmax", {"logits": [0, 0]}) == {"probs": [0.5, 0.5]}
    cache.call("softmax", {"logits": [0, 0]})
    cache.save()
    assert calls == ["softmax"]
    StateCache.open(tmp_path / ".cache", tmp_path).call("softmax", {"logits": [0, 0]})
    assert calls == ["softmax"]  # the next build reads it back
    before = fingerprint(tmp_path)
    kernel.write_text("x = 2  # edited\n")
    os.utime(kernel, ns=(1, 1))
    assert fingerprint(tmp_path) != before
    fresh = StateCache.open(tmp_path / ".cache", tmp_path)
    fresh.call("softmax", {"logits": [0, 0]})
    fresh.save()
    assert calls == ["softmax", "softmax"]
    assert len(list((tmp_path / ".cache" / "kernel-results").glob("*.json"))) == 1
