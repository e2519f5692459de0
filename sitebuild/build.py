"""The build, in the order mkdocs uses: gather everything first, then render and write.

1. gather chapters (front matter, order) and the widget registry;
2. render every chapter's Markdown (blocks computed by their kernels in CPython);
3. render index, chapter and embed pages through the templates;
4. copy static assets (content-hashed folder) and declared data files;
5. vendor the Pyodide runtime and the kernels wheel (cached; fast when unchanged).

Example: ``build(BuildConfig(root=Path("."), out_dir=Path("site")))`` -> BuildResult(pages=[...])
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment

from pyodide_kernels.model.weights import MODELS

from .errors import BuildError
from .files import git_revision, sweep, sync_file, write
from .pages.assets import copy_data_files, copy_images, copy_static
from .pages.blocks import Block
from .pages.chapters import Chapter, gather_chapters
from .pages.glossary import (
    Term,
    chapter_order,
    check_chapters,
    check_order,
    check_targets,
    first_uses,
    glossary_entries,
    link_first_uses,
    load_glossary,
)
from .pages.links import check_links
from .pages.moved import check_moved, load_moved, moved_config
from .pages.palette import VIRIDIS
from .pages.registry import Widget, load_registry
from .pages.render import PageBlocks, make_environment, render_markdown
from .pages.search import index_site
from .pages.source import kernel_listing, listing_id
from .pages.statecache import StateCache
from .pages.vendor import vendor_libraries

#: Seconds the browser waits for the Python runtime before giving up and saying so.
RUNTIME_TIMEOUT_S = 40
#: Seconds one kernel call may take in the browser before it is reported as stuck.
CALL_TIMEOUT_S = 20


@dataclass(frozen=True)
class BuildConfig:
    """Where to read and write, and under which URL the site will be served."""

    root: Path = Path(".")
    out_dir: Path = Path("site")
    base_url: str = "/"  # the site's path on its host, e.g. "/how-llms-work/"
    vendor_runtime: bool = True  # False skips Pyodide (tests of the Markdown side only)
    live_reload: bool = False  # `make serve` adds the live-reload client
    live_reload_port: int = 8000
    site_url: str = ""  # absolute URL of the site, for the sitemap; default: local server
    search: bool = True  # False skips the Pagefind index (tests of the Markdown side only)
    make_snapshot: bool = True  # False serves a cached memory snapshot only (fast rebuilds)

    @property
    def absolute_url(self) -> str:
        """The site's absolute URL ending in '/'. Example: 'http://127.0.0.1:8000/'"""
        return (
            self.site_url.rstrip("/") + "/"
            if self.site_url
            else f"http://127.0.0.1:{self.live_reload_port}{self.base}"
        )

    @property
    def base(self) -> str:
        """``base_url`` normalised to start and end with '/'. Example: 'x' -> '/x/'"""
        return "/" + self.base_url.strip("/") + "/" if self.base_url.strip("/") else "/"


@dataclass
class BuildResult:
    """What a build wrote, for the CLI's summary and the tests."""

    pages: list[str] = field(default_factory=list)
    widgets: list[str] = field(default_factory=list)
    seconds: float = 0.0
    runtime: dict[str, Any] = field(default_factory=dict)


def page_config(
    config: BuildConfig,
    asset_hash: str,
    registry: dict[str, Widget],
    runtime: dict[str, Any],
    vendor: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The JSON each page hands its scripts: where things are and what each widget is."""
    base = config.base
    return {
        "base": base,
        "assets": f"{base}assets/{asset_hash}/",
        "pyodide": f"{base}{runtime.get('index_url', 'pyodide/')}",
        "pyodideCompiled": bool(runtime.get("compiled")),
        "pyodideSnapshot": f"{base}{runtime['snapshot']}" if runtime.get("snapshot") else None,
        # a first visit boots from the compiled files (3 MB, not 11) and caches the snapshot
        "pyodideSnapshotCachedOnly": True,
        "kernelsPackage": runtime.get("package", "pyodide-kernels"),
        "data": f"{base}data/",
        "runtimeTimeoutMs": RUNTIME_TIMEOUT_S * 1000,
        "callTimeoutMs": CALL_TIMEOUT_S * 1000,
        "widgets": {name: w.browser_entry() for name, w in registry.items()},
        # a widget's `model` argument fetches that model's files (the tokenizer is shared)
        "models": {name: list(files) for name, files in MODELS.items()},
        "palette": VIRIDIS,
        "vendor": {name: {**v, "url": f"{base}{v['url']}"} for name, v in (vendor or {}).items()},
    }


def remove_stale_pages(out: Path, pages: set[str]) -> list[str]:
    """Delete pages an earlier build wrote that this one did not (a renamed or removed chapter
    or widget), so the site never serves them; returns what went.

    Example: after renaming a.md to b.md, ``remove_stale_pages(site, {"b.html"})`` -> ["a.html"]
    """
    stale = []
    for prefix in ("", "embed/"):
        kept = {page.removeprefix(prefix) for page in pages if page.startswith(prefix)}
        stale += [prefix + name for name in sweep(out / prefix, kept, pattern="*.html")]
    return stale


def render_chapter(
    chapter: Chapter, root: Path, terms: list[Term], order: dict, base: str, blocks: PageBlocks
) -> tuple[str, list[dict[str, Any]]]:
    """A chapter's HTML and table of contents: its glossary terms checked for order and their
    first uses linked (glossary.py), its blocks computed by ``blocks``."""
    display = str(chapter.path.relative_to(root))
    uses = first_uses(chapter.body, terms)
    check_order(chapter, display, uses, terms, order)
    body = link_first_uses(chapter.body, uses, terms, base)
    return render_markdown(body, display, chapter.body_offset, blocks)


def site_pages(env: Environment, shared: dict[str, Any], glossary: list[dict]) -> dict[str, str]:
    """The pages that are not chapters or embeds: home, search, 404, and the glossary when there
    are terms. Example: ``site_pages(env, shared, [])`` -> {'index.html': …, '404.html': …}"""
    names = ["index.html", "search.html", "404.html"] + (["glossary.html"] if glossary else [])
    return {
        name: env.get_template(name).render(
            **shared, page_url=name.replace("index.html", ""), entries=glossary
        )
        for name in names
    }


def write_listings(out: Path, widgets: list[Widget]) -> None:
    """code/LISTING.json for every widget's code (its kernel, and a family member's own
    function), what its code panel fetches (pages/source.py); listings no widget shows any more
    are swept away."""
    names = {}
    for widget in widgets:
        names[f"{listing_id(widget.kernel, widget.code)}.json"] = (widget.kernel, widget.code)
    for name, (kernel, code) in sorted(names.items()):
        write(out / "code" / name, json.dumps(kernel_listing(kernel, code).browser_entry()))
    sweep(out / "code", set(names), pattern="*.json")


def build(config: BuildConfig) -> BuildResult:
    """Build the whole site into ``config.out_dir``; raises ``BuildError`` on any author mistake."""
    started = time.perf_counter()
    root = config.root.resolve()
    out = config.out_dir if config.out_dir.is_absolute() else root / config.out_dir
    static_dir, templates_dir = root / "static", root / "templates"

    chapters = gather_chapters(root / "content", root)
    if not chapters:
        raise BuildError("content", 0, "no chapters: add content/*.md")
    registry = load_registry(root / "widgets.toml", static_dir)
    results = StateCache.open(root / ".cache", root)
    env = make_environment(templates_dir, root / ".cache" / "jinja")
    env.globals["base"] = config.base  # widget templates link to chapters too

    glossary_file = root / "content" / "glossary.toml"
    terms = load_glossary(glossary_file, root)
    order = chapter_order(chapters)
    check_chapters(terms, order, "content/glossary.toml")

    rendered, exercises, on_demand = [], {}, set()
    for chapter in chapters:
        blocks = PageBlocks(env, registry, results)
        html, toc = render_chapter(chapter, root, terms, order, config.base, blocks)
        rendered.append((chapter, html, toc, blocks.used))
        exercises[chapter.slug] = blocks.exercises
        on_demand |= blocks.on_demand

    out.mkdir(parents=True, exist_ok=True)
    asset_hash = copy_static(static_dir, out)
    sync_file(static_dir / "page" / "embed-host.js", out / "embed" / "host.js")
    models = {f for files in MODELS.values() for f in files}  # fetched only when switched to
    copy_data_files({f for w in registry.values() for f in w.data} | on_demand | models, root, out)
    copy_images(root / "content" / "images", out / "images")
    runtime: dict[str, Any] = {}
    if config.vendor_runtime:
        from .runtime.vendor import vendor_runtime

        runtime = vendor_runtime(out, root / ".cache", root)
        if runtime["compiled"]:
            from .runtime.snapshot import vendor_snapshot

            worker = f"assets/{asset_hash}/python/kernel-worker.js"
            runtime["snapshot"] = vendor_snapshot(
                out, runtime["index_url"], worker, root / ".cache", make=config.make_snapshot
            )
    vendor = vendor_libraries({lib for w in registry.values() for lib in w.vendor}, out)
    site_config = page_config(config, asset_hash, registry, runtime, vendor)
    site_config["chapters"] = [
        {"slug": c.slug, "url": c.url, "title": c.title, "exercises": exercises[c.slug]}
        for c in chapters
    ]
    urls = {c.slug: c.url for c in chapters}
    moved = load_moved(root / "content" / "moved.toml", root)
    site_config["moved"] = moved_config(moved, urls, config.base)
    shared = {
        "config": site_config,
        "base": config.base,
        "assets": site_config["assets"],
        "chapters": chapters,
        "glossary": bool(terms),
        "revision": git_revision(root),
        "live_reload": config.live_reload,
        "live_reload_port": config.live_reload_port,
        "site_url": config.absolute_url,
    }

    result = BuildResult(runtime=runtime)
    pages: dict[str, str] = {}
    for index, (chapter, html, toc, used) in enumerate(rendered):
        result.widgets.extend(used)
        pages[chapter.url] = env.get_template("chapter.html").render(
            **shared,
            chapter=chapter,
            number=index + 1,
            content=html,
            toc=toc,
            page_url=chapter.url,
            previous=chapters[index - 1] if index > 0 else None,
            next=chapters[index + 1] if index + 1 < len(chapters) else None,
        )
    pages.update(site_pages(env, shared, glossary_entries(terms, order)))
    for name in sorted(registry):
        block = Block("widget", name, {}, "widgets.toml", 1, 1)
        embed_blocks = PageBlocks(env, registry, results)  # its widget is "<name>-1"
        widget_html = embed_blocks.widget(block, embed=True)
        pages[f"embed/{name}.html"] = env.get_template("embed.html").render(
            **shared, widget=registry[name], content=widget_html
        )

    copied = {
        p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.suffix != ".html"
    }
    sources = {c.url: (str(c.path.relative_to(root)), c.body, c.body_offset) for c in chapters}
    check_links(pages, copied | {"sitemap.xml", "site-config.json"}, config.base, sources)
    check_moved(moved, pages, urls)
    check_targets(terms, pages, urls, "content/glossary.toml")
    for path, html in pages.items():
        write(out / path, html)
        result.pages.append(path)
    write_listings(out, list(registry.values()))  # every widget has an embed page
    remove_stale_pages(out, set(pages))
    listed = (
        [""] + [c.url for c in chapters] + (["glossary.html"] if "glossary.html" in pages else [])
    )
    write(
        out / "sitemap.xml",
        env.get_template("sitemap.xml").render(pages=listed, site_url=config.absolute_url),
    )
    write(out / "site-config.json", json.dumps(site_config, indent=1))
    results.save()
    if config.search:
        index_site(out)
    result.seconds = time.perf_counter() - started
    return result
