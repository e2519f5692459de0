"""The widget registry (``widgets.toml``): load it, check a block's parameters against it, and
compute a widget's build-time state with its kernel.

Example: ``load_registry(Path("widgets.toml"))["softmax-quiz"].kernel`` -> 'softmax_quiz'
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyodide_kernels.dispatch import call, kernel_names

from ..errors import BuildError
from .blocks import Block
from .vendor import LIBRARIES

#: Block parameters that tune the widget's page, not its kernel call.
PAGE_ONLY_PARAMS = frozenset({"tolerance"})


@dataclass(frozen=True)
class Widget:
    """One registry entry."""

    name: str
    title: str
    kernel: str
    module: str
    params: dict[str, Any] = field(default_factory=dict)
    data: tuple[str, ...] = ()
    vendor: tuple[str, ...] = ()
    template_name: str = ""  # several widgets may share one template (the labs); default: name

    @property
    def template(self) -> str:
        """The template under templates/widgets/ (without .html)."""
        return self.template_name or self.name

    def kernel_args(self, params: dict[str, Any]) -> dict[str, Any]:
        """The arguments the kernel gets: every parameter but the page-only ones."""
        return {k: v for k, v in params.items() if k not in PAGE_ONLY_PARAMS}

    def browser_entry(self) -> dict[str, Any]:
        """What the browser needs to know about this widget."""
        return {
            "title": self.title,
            "kernel": self.kernel,
            "module": self.module,
            "params": self.params,
            "data": list(self.data),
            "vendor": list(self.vendor),
        }


def load_registry(path: Path, static_dir: Path | None = None) -> dict[str, Widget]:
    """Read and check the registry: known kernels, existing JS modules and data files."""
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise BuildError(path, getattr(exc, "lineno", 1), f"invalid TOML: {exc}") from None
    known = set(kernel_names())
    widgets: dict[str, Widget] = {}
    for name, entry in table.items():
        missing = {"title", "kernel", "module"} - set(entry)
        if missing:
            raise BuildError(path, 1, f"widget {name!r} lacks {', '.join(sorted(missing))}")
        if entry["kernel"] not in known:
            raise BuildError(path, 1, f"widget {name!r} names unknown kernel {entry['kernel']!r}")
        if static_dir is not None and not (static_dir / entry["module"]).is_file():
            raise BuildError(
                path, 1, f"widget {name!r}: module static/{entry['module']} is missing"
            )
        data = tuple(entry.get("data", ()))
        for relative in data:
            if not (path.parent / relative).is_file():
                raise BuildError(path, 1, f"widget {name!r}: data file {relative} is missing")
        vendor = tuple(entry.get("vendor", ()))
        for library in vendor:
            if library not in LIBRARIES:
                known_libraries = ", ".join(sorted(LIBRARIES))
                raise BuildError(
                    path,
                    1,
                    f"widget {name!r}: unknown vendor library {library!r} "
                    f"(known: {known_libraries})",
                )
        widgets[name] = Widget(
            name,
            entry["title"],
            entry["kernel"],
            entry["module"],
            dict(entry.get("params", {})),
            data,
            vendor,
            str(entry.get("template", "")),
        )
    return widgets


def same_kind(value: Any, default: Any) -> bool:
    """Whether a block value may replace a default: same JSON type (ints count as numbers).

    Example: ``same_kind(3, 2.5)`` -> True; ``same_kind("3", 2.5)`` -> False
    """
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))


def resolve_params(widget: Widget, block: Block) -> dict[str, Any]:
    """The registry defaults overridden by the block's parameters, each checked.

    Example: a block ``size: 4`` on softmax-quiz -> {"logits": [2.0, 1.0, 0.1], "size": 4, ...}
    """
    params = dict(widget.params)
    for key, value in block.params.items():
        if key not in widget.params:
            allowed = ", ".join(sorted(widget.params)) or "none"
            raise block.error(
                f"widget {widget.name!r} has no parameter {key!r} (allowed: {allowed})"
            )
        if not same_kind(value, widget.params[key]):
            raise block.error(
                f"widget {widget.name!r}: parameter {key!r} should be like "
                f"{widget.params[key]!r}, got {value!r}"
            )
        params[key] = value
    return params


def initial_state(
    widget: Widget, params: dict[str, Any], block: Block, compute: Callable[..., Any] = call
) -> Any:
    """The widget's build-time state: its kernel run in CPython on the block's parameters
    (through ``compute``, which may remember results: see statecache.py)."""
    try:
        return compute(widget.kernel, widget.kernel_args(params))
    except (ValueError, TypeError) as exc:
        raise block.error(
            f"widget {widget.name!r}: kernel {widget.kernel!r} refused the parameters: {exc}"
        ) from None
