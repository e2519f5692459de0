"""Strict links: a broken internal link, anchor or image stops the build at its chapter line."""

from __future__ import annotations

import pytest

from sitebuild.build import BuildConfig, build
from sitebuild.errors import BuildError
from sitebuild.pages.links import resolve

FRONT = "---\ntitle: {title}\nsummary: S.\n---\n"


def run(site_tree, files):
    root = site_tree(files)
    return build(
        BuildConfig(
            root=root, out_dir=root / "site", vendor_runtime=False, search=False, base_url="/sub/"
        )
    )


def chapter(body, title="Alpha"):
    return FRONT.format(title=title) + body


@pytest.mark.parametrize(
    ("url", "page", "expected"),
    [
        ("/sub/b.html#x", "a.html", ("b.html", "x")),
        ("#top", "a.html", ("a.html", "top")),
        ("b.html", "embed/q.html", ("embed/b.html", "")),
        ("/sub/", "a.html", ("index.html", "")),
        ("https://example.org/", "a.html", None),
        ("mailto:x@y", "a.html", None),
    ],
)
def test_urls_resolve_to_site_paths(url, page, expected):
    assert resolve(url, page, "/sub/") == expected


def test_good_links_anchors_and_images_pass(site_tree):
    result = run(
        site_tree,
        {
            "content/01-a.md": chapter(
                "## Part one\n\nSee [b](beta.html#more) and [here](#part-one)."
                "\n\n![icon](images/x.png)"
            ),
            "content/02-beta.md": chapter("## More\n\nText.", "Beta"),
            "content/images/x.png": "png",
        },
    )
    assert "alpha.html" not in result.pages  # slug comes from the file name
    assert "a.html" in result.pages


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        ("Intro.\n\nGo [there](nowhere.html).", 7, "broken link 'nowhere.html'"),
        ("Text.\n\nJump [down](#missing).", 7, "broken anchor '#missing'"),
        ("Line.\n\n![diagram](images/none.png)", 7, "broken image 'images/none.png'"),
        ("[out](/elsewhere/page.html)", 5, "the site has no /elsewhere/page.html"),
    ],
)
def test_broken_targets_stop_the_build_at_their_line(site_tree, body, line, reason):
    with pytest.raises(BuildError) as caught:
        run(site_tree, {"content/01-a.md": chapter(body)})
    assert str(caught.value).startswith(f"content/01-a.md:{line}: "), str(caught.value)
    assert reason in str(caught.value)
