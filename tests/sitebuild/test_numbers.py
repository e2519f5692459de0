"""The build writes numbers exactly as the page's own script rewrites them: the Jinja filters
``fixed``, ``sci`` and ``count`` against ``formatValue`` (static/page/bind.js) and
``js_number`` against JavaScript's ``String(number)``, all run by Node, so a value shown at
build time reads the same once a script shows it again."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from sitebuild.pages.numbers import count, fixed, js_number, sci
from tests.conftest import REPO

VALUES = [1.0, 0.7, 70e9, 1.5e-5, 1e-6, 1e-7, 5e-8, 2.5, 0.05, 4e14, 0.1 + 0.2, -3.0, 0.0]
#: Ties and near-ties in binary: Python's format rounds them to even, JavaScript away from zero.
TIES = [0.125, 2.5, -2.5, 0.005, 1.005, 0.045, -0.0001]


def page_formats(values: list[float], digits: int, tmp_path: Path) -> list[list[str]]:
    """[String(v), formatValue(v, "sci:N"), formatValue(v, "fixed:N"), formatValue(v, "count")]
    by the page's bind.js."""
    if shutil.which("node") is None:
        pytest.skip("Node.js runs the page's own formatting code as the reference")
    for name in ("bind.js", "answers.js"):
        shutil.copy(REPO / "static" / "page" / name, tmp_path / name)
    (tmp_path / "package.json").write_text('{"type": "module"}')  # the page loads them as modules
    script = (
        "import { formatValue } from './bind.js';"
        "const vs = JSON.parse(process.argv[2]);"
        f"console.log(JSON.stringify(vs.map((v) => [String(v), formatValue(v, 'sci:{digits}'), "
        f"formatValue(v, 'fixed:{digits}'), formatValue(v, 'count')])));"
    )
    (tmp_path / "run.js").write_text(script)
    done = subprocess.run(
        ["node", "run.js", json.dumps(values)], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def build_formats(values: list[float], digits: int) -> list[list[str]]:
    """The same four texts from the build's filters."""
    return [[js_number(v), sci(v, digits), fixed(v, digits), count(v)] for v in values]


@pytest.mark.parametrize("digits", [0, 1, 3])
def test_the_filters_write_listed_numbers_and_ties_as_the_page_does(digits, tmp_path):
    values = VALUES + TIES
    assert build_formats(values, digits) == page_formats(values, digits, tmp_path)


def test_thousands_of_numbers_of_every_size_are_written_as_the_page_writes_them(tmp_path):
    rng = np.random.default_rng(0)
    values = (rng.standard_normal(3000) * 10.0 ** rng.integers(-12, 20, 3000)).tolist()
    decimals = rng.integers(0, 4, 1000)
    values += [
        round(v, int(d)) for v, d in zip(rng.uniform(-100, 100, 1000), decimals, strict=True)
    ]
    assert build_formats(values, 2) == page_formats(values, 2, tmp_path)
