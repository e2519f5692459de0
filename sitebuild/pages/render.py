"""Render pages: the Jinja environment, the blocks' HTML, and Markdown to HTML.

Each ``::: widget NAME`` block becomes the registry widget's template filled with the state its
kernel computed at build time; each ``::: exercise`` block becomes a graded question whose answer
a kernel computes. Example: ``render_markdown("# Hi", ...)`` -> ('<h1 id="hi">Hi…', [...])
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown
from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
)
from markupsafe import Markup

from .blocks import Block, BlockExtension
from .heat_image import heat_image
from .math import MathExtension
from .numbers import count, fixed, js_number, sci
from .palette import heat_style
from .registry import Widget, initial_state, resolve_params
from .source import function_listing
from .statecache import StateCache

EXERCISE_FIELDS = {"question", "kernel", "args", "answer", "tolerance", "hint", "unit", "scale"}


def make_environment(templates_dir: Path, cache_dir: Path | None = None) -> Environment:
    """Jinja environment: strict about undefined names, autoescaping on, a ``tojson`` for data.
    With ``cache_dir``, compiled templates are kept there (Jinja checks each template's source
    before using its cached code), which saves a rebuild compiling 35 templates again."""
    bytecode = None
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        bytecode = FileSystemBytecodeCache(str(cache_dir))
    env = Environment(
        loader=FileSystemLoader(templates_dir),
        bytecode_cache=bytecode,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["fixed"] = fixed
    env.filters["sci"] = sci
    env.filters["count"] = count
    env.filters["js_number"] = js_number
    env.filters["pick"] = pick
    env.filters["script_json"] = script_json
    env.filters["visible"] = visible
    env.filters["heat_style"] = heat_style
    env.filters["heat_image"] = heat_image
    return env


def visible(text: str) -> str:
    """Whitespace made visible in a token, as the widgets draw it: '·' space, '↵' newline.

    Example: ``visible(" the\n")`` -> '·the↵'
    """
    table = {" ": "·", "\n": "↵", "\r": "␍", "\t": "→"}
    return "".join(table.get(c, c) for c in text)


def pick(state: Any, path: str) -> Any:
    """Follow a dotted path into JSON data. Example: ``pick({"a": [5, 6]}, "a.1")`` -> 6"""
    for part in str(path).split(".") if path != "" else []:
        state = state[int(part)] if isinstance(state, list) else state[part]
    return state


def script_json(value: Any) -> Markup:
    """JSON safe inside ``<script type="application/json">`` (no ``</script>`` breakout)."""
    text = json.dumps(value, separators=(",", ":"), allow_nan=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def files_on_demand(state: dict[str, Any]) -> set[str]:
    """The data files a widget's result says it may fetch later: ``on_demand`` maps an
    argument to {its value: the file that value needs} (the labs' checkpoints). The build
    copies them to the site; the page fetches one only when the reader picks its value.

    Example: ``files_on_demand({"on_demand": {"checkpoint": {"1000": "a.npz"}}})`` -> {'a.npz'}
    """
    return {f for files in (state.get("on_demand") or {}).values() for f in files.values()}


@dataclass
class PageBlocks:
    """Renders the blocks of one page and remembers which widgets it used."""

    env: Environment
    registry: dict[str, Widget]
    results: StateCache = field(default_factory=lambda: StateCache(None))
    used: list[str] = field(default_factory=list)
    exercises: list[str] = field(default_factory=list)
    on_demand: set[str] = field(default_factory=set)  # data files the page fetches only if asked
    count: int = 0

    def __call__(self, block: Block) -> str:
        self.count += 1
        if block.kind == "widget":
            return self.widget(block)
        if block.kind == "exercise":
            return self.exercise(block)
        if block.kind == "listing":
            return self.listing(block)
        raise block.error(f"unknown block kind {block.kind!r} (known: widget, exercise, listing)")

    def listing(self, block: Block) -> str:
        """A function of the project's source, as the file has it at build time, highlighted,
        with the figure on the page that runs it (``widget``: its id, e.g. residual-stream-1).

            ::: listing
            file: pyodide_kernels/model/forward.py
            function: run_blocks
            widget: residual-stream-1
            caption: The stack of blocks, as the model in your browser runs it
            :::
        """
        fields, needed = set(block.params), {"file", "function", "caption"}
        if not needed <= fields or fields - needed - {"widget"}:
            raise block.error("a listing has file, function and caption, and may name a widget")
        function = function_listing(
            block.params["file"], block.params["function"], (block.path, block.line)
        )
        return self.env.get_template("partials/listing.html").render(
            function=function, caption=block.params["caption"], widget=block.params.get("widget")
        )

    def widget(self, block: Block, embed: bool = False) -> str:
        widget = self.registry.get(block.name)
        if widget is None:
            known = ", ".join(sorted(self.registry))
            raise block.error(f"unknown widget {block.name!r} (known: {known})")
        params = resolve_params(widget, block)
        state = initial_state(widget, params, block, self.results.call)
        self.on_demand.update(files_on_demand(state))
        self.used.append(widget.name)
        # numbered among the page's widgets of the same name, so a permalink's
        # "attention-by-hand-1=…" survives a figure added above it
        instance = f"{widget.name}-{self.used.count(widget.name)}"
        try:
            body = self.env.get_template(f"widgets/{widget.template}.html").render(
                state=state, params=params, instance=instance, widget=widget
            )
        except TemplateNotFound:
            raise block.error(
                f"widget {widget.name!r} has no template templates/widgets/{widget.template}.html"
            ) from None
        return self.env.get_template("partials/widget.html").render(
            widget=widget,
            instance=instance,
            body=Markup(body),
            state=state,
            params=params,
            embed=embed,
        )

    def exercise(self, block: Block) -> str:
        params = block.params
        check_exercise_fields(block)
        tolerance = exercise_number(block, "tolerance", 0.01, strict=False)
        answer = self.exercise_answer(block)
        # the answer in other units: bytes -> GiB, MACs -> billions
        answer = answer * exercise_number(block, "scale", 1, strict=True)
        exercise_id = f"exercise-{block.name or self.count}"
        self.exercises.append(exercise_id)
        return self.env.get_template("partials/exercise.html").render(
            id=exercise_id,
            question=str(params["question"]),
            answer=answer,
            tolerance=tolerance,
            hint=params.get("hint", ""),
            unit=params.get("unit", ""),
            kernel=params["kernel"],
        )

    def exercise_answer(self, block: Block) -> float:
        """The number the exercise's kernel computes at its answer path."""
        params = block.params
        try:
            result = self.results.call(str(params["kernel"]), params.get("args", {}))
            answer = pick(result, str(params["answer"]))
        except KeyError as exc:
            raise block.error(f"exercise kernel: {exc.args[0] if exc.args else exc}") from None
        except (IndexError, TypeError):
            raise block.error(
                f"exercise answer path {params['answer']!r} is not in the kernel's result"
            ) from None
        except ValueError as exc:
            raise block.error(f"exercise kernel refused its args: {exc}") from None
        if isinstance(answer, bool) or not isinstance(answer, (int, float)):
            raise block.error(f"exercise answer {params['answer']!r} is not a number: {answer!r}")
        return answer


def check_exercise_fields(block: Block) -> None:
    """Refuse unknown fields, missing required ones and ``args`` that are not an object."""
    unknown = set(block.params) - EXERCISE_FIELDS
    if unknown:
        raise block.error(f"exercise has unknown field(s) {', '.join(sorted(unknown))}")
    for name in ("question", "kernel", "answer"):
        if name not in block.params:
            raise block.error(f"exercise lacks {name!r}")
    if not isinstance(block.params.get("args", {}), dict):
        raise block.error("exercise 'args' must be a JSON object")


def exercise_number(block: Block, name: str, default: float, strict: bool) -> float:
    """The exercise's number field ``name`` (or ``default``): > 0 when ``strict``, else >= 0.

    Example: a block without ``scale`` -> 1; ``scale: 0`` -> BuildError "must be a number > 0"
    """
    value = block.params.get(name, default)
    number = not isinstance(value, bool) and isinstance(value, (int, float))
    if not number or value < 0 or (strict and value == 0):
        bound = "> 0" if strict else ">= 0"
        raise block.error(f"exercise {name!r} must be a number {bound}, got {value!r}")
    return value


def render_markdown(
    body: str, path: str, offset: int, render_block: Callable[[Block], str]
) -> tuple[str, list[dict[str, Any]]]:
    """Markdown body -> (HTML, table-of-contents tokens), blocks rendered by ``render_block``."""
    md = markdown.Markdown(
        extensions=[
            BlockExtension(render=render_block, path=path, line_offset=offset),
            MathExtension(path=path, line_offset=offset),
            "toc",
            "tables",
            "fenced_code",
            "attr_list",
            "md_in_html",
        ],
        extension_configs={
            "toc": {"permalink": "#", "permalink_title": "Link to this section", "toc_depth": "2-3"}
        },
    )
    html = md.convert(body)
    return html, md.toc_tokens
