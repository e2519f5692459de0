"""Vendored browser libraries: copied from the installed package under a hashed name only when a
widget asks for one, announced in the page config, and an unknown name stops the build."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from sitebuild.build import BuildConfig, build
from sitebuild.errors import BuildError
from sitebuild.pages.vendor import library_file
from tests.conftest import registry_text

CHAPTER = "---\ntitle: A\nsummary: S.\n---\n::: widget charted\n:::\n"
ENTRY = """
[charted]
title = "A chart"
kernel = "softmax"
module = "widgets/softmax-quiz.js"
vendor = {vendor}
[charted.defaults]
logits = [1.0, 2.0]
"""


def registry_with(repo, vendor: str) -> str:
    return registry_text() + ENTRY.format(vendor=vendor)


def run(root):
    return build(BuildConfig(root=root, out_dir=root / "site", vendor_runtime=False, search=False))


def page_config(html: str) -> dict:
    return json.loads(re.search(r'id="hlw-config"[^>]*>(.*?)</script>', html, re.S).group(1))


def test_a_declared_library_is_served_by_the_site_under_its_hash(site_tree, repo):
    root = site_tree(
        {
            "content/01-a.md": CHAPTER,
            "widgets.toml": registry_with(repo, '["plotly"]'),
            "templates/widgets/charted.html": "<p>{{ state.probs.0 }}</p>",
        }
    )
    run(root)
    source = library_file("plotly")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:8]
    served = root / "site" / "vendor" / f"plotly-{digest}.min.js"
    assert served.read_bytes() == source.read_bytes()
    config = page_config((root / "site/a.html").read_text())
    assert config["vendor"]["plotly"] == {"url": f"/vendor/{served.name}", "global": "Plotly"}
    assert config["widgets"]["charted"]["vendor"] == ["plotly"]


PLAIN = """
[plain]
title = "No library"
kernel = "softmax"
module = "widgets/softmax-quiz.js"
[plain.defaults]
logits = [1.0, 2.0]
"""


def test_nothing_is_copied_when_no_widget_asks(site_tree):
    root = site_tree(
        {
            "content/01-a.md": CHAPTER.replace("charted", "plain"),
            "widgets.toml": PLAIN,
            "templates/widgets/plain.html": "<p>{{ state.probs.0 }}</p>",
        }
    )
    run(root)
    assert not (root / "site" / "vendor").exists() or not any((root / "site/vendor").iterdir())
    assert page_config((root / "site/a.html").read_text())["vendor"] == {}


def test_an_unknown_library_stops_the_build(site_tree, repo):
    root = site_tree({"content/01-a.md": CHAPTER, "widgets.toml": registry_with(repo, '["d3"]')})
    with pytest.raises(BuildError, match="unknown vendor library 'd3' \\(known: plotly\\)"):
        run(root)
