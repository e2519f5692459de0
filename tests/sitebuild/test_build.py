"""The build on small trees in tmp_path: what appears in site/, and strict errors with path:line."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from sitebuild.build import BuildConfig, build
from sitebuild.errors import BuildError

FRONT = "---\ntitle: {title}\nsummary: A summary.\n---\n"


def chapter(body: str, title: str = "Alpha") -> str:
    return FRONT.format(title=title) + body


def run(root, **options):
    return build(
        BuildConfig(root=root, out_dir=root / "site", vendor_runtime=False, search=False, **options)
    )


def test_chapters_index_and_embeds_are_written_in_order(site_tree):
    root = site_tree(
        {
            "content/02-beta.md": chapter("Second.", "Beta"),
            "content/01-alpha.md": chapter("# Hello\n\n::: widget softmax-quiz\n:::\n"),
        }
    )
    result = run(root)
    assert result.pages[:3] == ["alpha.html", "beta.html", "index.html"]
    index = (root / "site/index.html").read_text()
    assert index.index("Alpha") < index.index("Beta")
    alpha = (root / "site/alpha.html").read_text()
    assert 'data-widget="softmax-quiz"' in alpha
    assert 'rel="next" href="/beta.html"' in alpha
    assert (root / "site/embed/softmax-quiz.html").is_file()
    assert (root / "site/embed/host.js").is_file()


def test_widget_state_is_computed_by_its_kernel_at_build_time(site_tree):
    root = site_tree({"content/01-a.md": chapter("::: widget softmax-quiz\nlogits: [0, 0]\n:::")})
    run(root)
    html = (root / "site/a.html").read_text()
    state = json.loads(re.search(r'class="widget-state">(.*?)</script>', html).group(1))
    assert state["state"]["probs"] == [0.5, 0.5]
    assert state["args"] == {"logits": [0, 0], "size": 3}
    assert "0.500" in html  # the steps table, readable before any script runs


def test_exercise_answer_comes_from_the_kernel(site_tree):
    root = site_tree(
        {
            "content/01-a.md": chapter(
                '::: exercise e1\nquestion: Q?\nkernel: softmax\nargs: {"logits": [0, 0]}\n'
                "answer: probs.1\n:::\n"
            )
        }
    )
    run(root)
    assert 'data-answer-value="0.5"' in (root / "site/a.html").read_text()


def test_an_exercise_can_ask_for_its_answer_in_other_units(site_tree):
    root = site_tree(
        {
            "content/01-a.md": chapter(
                '::: exercise e1\nquestion: Q?\nkernel: softmax\nargs: {"logits": [0, 0]}\n'
                "answer: probs.1\nscale: 100\n:::\n"
            )
        }
    )
    run(root)
    assert 'data-answer-value="50.0"' in (root / "site/a.html").read_text()


def test_base_url_prefixes_every_link_and_asset(site_tree):
    root = site_tree({"content/01-a.md": chapter("::: widget softmax-quiz\n:::")})
    run(root, base_url="how-llms-work")
    html = (root / "site/a.html").read_text()
    for url in re.findall(r'(?:href|src)="([^"#]+)"', html):
        assert url.startswith(("/how-llms-work/", "http://127.0.0.1:8000/how-llms-work/")), url
    config = json.loads((root / "site/site-config.json").read_text())
    assert config["pyodide"] == "/how-llms-work/pyodide/"


def test_every_page_carries_the_content_security_policy(site_tree):
    root = site_tree({"content/01-a.md": chapter("Text.")})
    run(root)
    for page in ("a.html", "index.html", "embed/softmax-quiz.html"):
        html = (root / "site" / page).read_text()
        assert "script-src 'self' 'wasm-unsafe-eval'" in html
        assert "'unsafe-eval'" not in html.replace("'wasm-unsafe-eval'", "")


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        ("Intro.\n\n::: widget no-such-widget\n:::", 7, "unknown widget 'no-such-widget'"),
        ("::: widget softmax-quiz\ncolour: red\n:::", 5, "has no parameter 'colour'"),
        ("::: widget softmax-quiz\nsize: many\n:::", 5, "parameter 'size' should be like 3"),
        ("::: widget softmax-quiz\nlogits: []\n:::", 5, "refused the parameters: logits"),
        ("::: widget softmax-quiz\n", 5, "never closed"),
        ("::: gadget x\n:::", 5, "unknown block kind 'gadget'"),
        (
            '::: exercise\nquestion: Q\nkernel: softmax\nargs: {"logits": [1]}\n'
            "answer: probs.7\n:::",
            5,
            "answer path 'probs.7'",
        ),
        ("::: exercise\nquestion: Q\nkernel: nope\nanswer: x\n:::", 5, "unknown kernel 'nope'"),
        ("::: listing\nfile: pyodide_kernels/maths/softmax.py\n:::", 5, "a listing has file, fun"),
        (
            "::: listing\nfile: pyodide_kernels/maths/softmax.py\nfunction: gone\ncaption: C\n:::",
            5,
            "pyodide_kernels/maths/softmax.py: no function or class 'gone'",
        ),
    ],
)
def test_author_mistakes_stop_the_build_at_their_line(site_tree, body, line, reason):
    root = site_tree({"content/01-a.md": chapter(body)})
    with pytest.raises(BuildError) as caught:
        run(root)
    assert str(caught.value).startswith(f"content/01-a.md:{line}: "), str(caught.value)
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("no front matter", "must start with '---'"),
        ("---\ntitle: A\n", "not closed"),
        ("---\ntitle: A\norder: first\nsummary: s\n---\n", "order must be an integer"),
        ("---\ntitle: A\n---\n", "lacks 'summary'"),
    ],
)
def test_bad_front_matter_stops_the_build(site_tree, text, reason):
    root = site_tree({"content/01-a.md": text})
    with pytest.raises(BuildError, match=re.escape(reason)):
        run(root)


def test_the_file_name_alone_orders_the_chapters(site_tree):
    root = site_tree({"content/10-late.md": chapter("Ten."), "content/9-early.md": chapter("9.")})
    assert run(root).pages[:2] == ["early.html", "late.html"]  # by number, not by name


def test_an_order_in_front_matter_must_agree_with_the_file_name(site_tree):
    text = "---\ntitle: A\nsummary: s\norder: 3\n---\n"
    root = site_tree({"content/04-a.md": text})
    with pytest.raises(BuildError) as caught:
        run(root)
    assert str(caught.value) == "content/04-a.md:4: order 3 disagrees with the file name's 04"
    (root / "content/04-a.md").write_text(text.replace("order: 3", "order: 4"))
    assert run(root).pages[0] == "a.html"


def test_a_chapter_file_without_a_number_is_refused(site_tree):
    root = site_tree({"content/intro.md": chapter("Text.")})
    with pytest.raises(BuildError, match=r"^content/intro.md:1: .*starts with its number"):
        run(root)


def test_the_command_line_exits_nonzero_with_path_and_line(site_tree, repo):
    root = site_tree({"content/01-a.md": chapter("::: widget nope\n:::")})
    (root / "build.py").write_text((repo / "build.py").read_text())
    done = subprocess.run(
        [sys.executable, "build.py", "--no-runtime"],
        cwd=root,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(repo)},
    )
    assert done.returncode == 1
    assert done.stderr.startswith("content/01-a.md:5: unknown widget 'nope'")


def test_a_rebuild_leaves_unchanged_pages_untouched(site_tree):
    root = site_tree({"content/01-a.md": chapter("Text.")})
    run(root)
    before = (root / "site/a.html").stat().st_mtime_ns
    run(root)
    assert (root / "site/a.html").stat().st_mtime_ns == before


def test_a_renamed_chapter_leaves_no_stale_page_behind(site_tree):
    root = site_tree({"content/01-alpha.md": chapter("One.")})
    run(root)
    (root / "content/01-alpha.md").rename(root / "content/01-beta.md")
    run(root)
    assert not (root / "site/alpha.html").exists()
    assert (root / "site/beta.html").is_file() and (root / "site/index.html").is_file()
    assert (root / "site/embed/softmax-quiz.html").is_file()


def test_sitemap_lists_every_chapter_at_the_site_url(site_tree):
    root = site_tree(
        {"content/01-a.md": chapter("Text."), "content/02-b.md": chapter("More.", "Beta")}
    )
    run(root, base_url="/sub/", site_url="https://example.org/sub/")
    sitemap = (root / "site/sitemap.xml").read_text()
    assert re.findall(r"<loc>(.*?)</loc>", sitemap) == [
        "https://example.org/sub/",
        "https://example.org/sub/a.html",
        "https://example.org/sub/b.html",
    ]
    html = (root / "site/a.html").read_text()
    assert '<link rel="canonical" href="https://example.org/sub/a.html">' in html
    assert '<meta property="og:title" content="Alpha — How LLMs Work">' in html
    assert (root / "site/404.html").is_file()


def test_maths_becomes_mathml_at_build_time(site_tree):
    root = site_tree({"content/01-a.md": chapter("Softmax $e^{z_i}$ costs $5 and $6.")})
    run(root)
    html = (root / "site/a.html").read_text()
    assert "<msub><mi>z</mi><mi>i</mi></msub>" in html
    assert "costs $5 and $6." in html


def test_a_bad_formula_stops_the_build_at_its_line(site_tree):
    root = site_tree({"content/01-a.md": chapter("Fine.\n\n$$\n\\frac{1}{\n$$")})
    with pytest.raises(BuildError, match=r"^content/01-a.md:7: cannot read the formula"):
        run(root)
