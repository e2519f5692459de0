"""The widget registry (``widgets.toml``): load it, check a block's parameters against it, and
compute a widget's build-time state with its kernel.

Each default is said once: ``settings`` names the kernel parameters a block may set, with the
kernel's own default; ``[NAME.defaults]`` gives only the values that differ (or that the kernel
lacks, or that only the page reads). Data files may be named by set (``[data-sets]``), and a
family entry (``family = "lab_list"``) stands for one widget per member its kernel lists. Every
mistake is reported at its line of widgets.toml.

Example: ``load_registry(Path("widgets.toml"))["softmax-quiz"].kernel`` -> 'softmax_quiz'
"""

from __future__ import annotations

import inspect
import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyodide_kernels.dispatch import call, kernel_table

from ..errors import BuildError
from .blocks import Block
from .vendor import LIBRARIES

#: Block parameters that tune the widget's page, not its kernel call.
PAGE_ONLY_PARAMS = frozenset({"tolerance", "stage"})  # stage: the architecture figure's highlight


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
    code: str = ""  # a family member's own function ("module.name"), listed after the kernel

    @property
    def listing_id(self) -> str:
        """The file under code/ that its code panel fetches (pages/source.py)."""
        from .source import listing_id

        return listing_id(self.kernel, self.code)

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


#: The registry's reserved table of named data sets: ``model = ["traces/model.npz", …]``.
DATA_SETS = "data-sets"
#: The fields an entry may give; a family entry gives ``family`` and no ``title`` of its own.
FIELDS = {"title", "kernel", "module", "template", "data", "vendor", "settings", "defaults"}


@dataclass(frozen=True)
class Source:
    """The registry's tables and the line of each table header and key, for errors at a line.

    Example: ``Source.read(path).error(("softmax-quiz", "kernel"), "…")`` -> widgets.toml:18: …
    """

    path: Path
    table: dict[str, Any]
    lines: dict[tuple[str, ...], int]

    @classmethod
    def read(cls, path: Path) -> Source:
        """Parse ``path``; a TOML mistake stops the build at its line."""
        text = path.read_text(encoding="utf-8")
        try:
            table = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            at = re.search(r"at line (\d+)", str(exc))  # Python 3.11's message says where
            line = int(getattr(exc, "lineno", 0) or (at[1] if at else 1))
            raise BuildError(path, line, f"invalid TOML: {exc}") from None
        return cls(path, table, locate(text))

    def error(self, where: tuple[str, ...], reason: str) -> BuildError:
        """A ``BuildError`` at the line of key ``where`` (table, [sub-table,] key), or of the
        nearest table header above it."""
        while where[:-1] and where not in self.lines:
            where = where[:-1]
        return BuildError(self.path, self.lines.get(where, 1), reason)


def locate(text: str) -> dict[tuple[str, ...], int]:
    """The line of every table header and top-level key of each table in a TOML text.

    Example: ``locate("[a]\\nx = 1\\n[a.defaults]\\ny = 2")`` ->
    {("a",): 1, ("a", "x"): 2, ("a", "defaults"): 3, ("a", "defaults", "y"): 4}
    """
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, raw in enumerate(text.splitlines(), start=1):
        header = HEADER.match(raw)
        key = KEY.match(raw)
        if header:
            table = tuple(header["name"].split("."))
            lines.setdefault(table, number)
        elif key:
            lines.setdefault((*table, key["key"]), number)
    return lines


HEADER = re.compile(r"^\[(?P<name>[A-Za-z0-9_.-]+)\]\s*(#.*)?$")
KEY = re.compile(r"^(?P<key>[A-Za-z0-9_-]+)\s*=")


def load_registry(path: Path, static_dir: Path | None = None) -> dict[str, Widget]:
    """Read and check the registry: known kernels, parameters against the kernel's signature,
    named data sets, existing JS modules and data files. A family entry becomes one widget for
    each member its ``family`` kernel lists."""
    source = Source.read(path)
    data_sets = read_data_sets(source)
    widgets: dict[str, Widget] = {}
    for name, entry in source.table.items():
        if name == DATA_SETS:
            continue
        check_fields(source, name, entry)
        for widget_name, fixed, title, code in members(source, name, entry):
            widgets[widget_name] = Widget(
                widget_name,
                title,
                entry["kernel"],
                entry["module"],
                resolve_defaults(source, name, entry, fixed),
                files_of(source, name, entry.get("data", []), data_sets),
                vendor_of(source, name, entry.get("vendor", [])),
                str(entry.get("template", "")),
                code,
            )
        check_module(source, name, entry["module"], static_dir)
    return widgets


def read_data_sets(source: Source) -> dict[str, list[str]]:
    """The registry's named data sets, each a list of repo-relative files."""
    sets = source.table.get(DATA_SETS, {})
    for name, files in sets.items():
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            raise source.error((DATA_SETS, name), f"data set {name!r} should be a list of files")
    return dict(sets)


def check_fields(source: Source, name: str, entry: Any) -> None:
    """Refuse a table that is not an entry, an unknown field, a missing one, unknown kernels."""
    if not isinstance(entry, dict):
        raise source.error((name,), f"{name!r} should be a table of a widget's fields")
    family = "family" in entry
    unknown = sorted(set(entry) - FIELDS - ({"family"} if family else set()))
    if unknown:
        raise source.error((name, unknown[0]), f"widget {name!r} has unknown field {unknown[0]!r}")
    missing = [key for key in ("title", "kernel", "module") if key not in entry]
    if missing and not (family and missing == ["title"]):
        raise source.error((name,), f"widget {name!r} lacks {', '.join(missing)}")
    for field_name in ("kernel", "family"):
        if field_name in entry and entry[field_name] not in kernel_table():
            raise source.error(
                (name, field_name), f"widget {name!r} names unknown kernel {entry[field_name]!r}"
            )


def members(source: Source, name: str, entry: dict[str, Any]) -> list[tuple[str, dict, str, str]]:
    """(widget name, defaults the member fixes, title, the function it runs) of each widget an
    entry stands for: the entry itself, or for a family ``[NAME]`` one ``NAME-MEMBER`` per
    member its ``family`` kernel lists under ``NAMEs`` (``lab_list()["labs"]``), with the
    kernel's ``NAME`` parameter set to the member, the title ``title`` filled with the member's
    (default '{title}') and the member's ``code`` (the function behind it, for its code panel)."""
    if "family" not in entry:
        return [(name, {}, entry["title"], "")]
    listed = call(entry["family"]).get(f"{name}s")
    if not isinstance(listed, list):
        raise source.error(
            (name, "family"), f"family kernel {entry['family']!r} lists no {name + 's'!r}"
        )
    title = str(entry.get("title", "{title}"))
    return [
        (f"{name}-{item['name']}", {name: item["name"]}, title.format(title=item["title"]),
         str(item.get("code", "")))
        for item in listed
    ]  # fmt: skip


def kernel_defaults(kernel: str) -> dict[str, Any]:
    """Each parameter of ``kernel`` and its default as JSON data (tuples become lists); a
    parameter without a default maps to ``NO_DEFAULT``.

    Example: ``kernel_defaults("bpe_train")["num_merges"]`` -> 3
    """
    parameters = inspect.signature(kernel_table()[kernel]).parameters
    return {
        key: NO_DEFAULT if p.default is p.empty else json.loads(json.dumps(p.default))
        for key, p in parameters.items()
    }


#: Stands for a kernel parameter that has no default.
NO_DEFAULT = object()


def resolve_defaults(
    source: Source, name: str, entry: dict[str, Any], fixed: dict[str, Any]
) -> dict[str, Any]:
    """A widget's parameters: the kernel's default for each of ``settings``, then ``defaults``
    (and what a family member fixes), in the kernel's parameter order, page-only keys last.

    Example: settings = ["size"], defaults = {logits = [2.0, 1.0, 0.1], tolerance = 0.01} on
    softmax_quiz(logits=None, size=3, seed=0) -> {"logits": [2.0, 1.0, 0.1], "size": 3,
    "tolerance": 0.01}
    """
    signature = kernel_defaults(entry["kernel"])
    settings = entry.get("settings", [])
    given = {**entry.get("defaults", {}), **fixed}
    check_settings(source, name, settings, signature)
    check_defaults(source, name, given, settings, signature)
    params = {key: signature[key] for key in settings} | given
    missing = [k for k, v in signature.items() if v is NO_DEFAULT and k not in params]
    if missing:
        raise source.error(
            (name,),
            f"widget {name!r}: kernel {entry['kernel']!r} has no default for {missing[0]!r}; "
            "give one in [{name}.defaults]".replace("{name}", name),
        )
    order = [*signature, *given]
    return {key: params[key] for key in sorted(params, key=order.index)}


def check_settings(source: Source, name: str, settings: Any, signature: dict[str, Any]) -> None:
    """Each setting must be a parameter of the kernel that has a default."""
    if not isinstance(settings, list) or not all(isinstance(k, str) for k in settings):
        raise source.error((name, "settings"), f"widget {name!r}: settings should list names")
    for key in settings:
        if key not in signature:
            raise source.error(
                (name, "settings"), f"widget {name!r}: the kernel has no parameter {key!r}"
            )
        if signature[key] is NO_DEFAULT:
            raise source.error(
                (name, "settings"),
                f"widget {name!r}: the kernel has no default for {key!r}; give it in defaults",
            )


def check_defaults(
    source: Source, name: str, given: dict[str, Any], settings: list[str], signature: dict
) -> None:
    """Each default must be a kernel parameter (or page-only) and not also a setting."""
    for key in given:
        where = (name, "defaults", key)
        if key in settings:
            raise source.error(
                where, f"widget {name!r}: {key!r} is in settings and defaults; say it once"
            )
        if key not in signature and key not in PAGE_ONLY_PARAMS:
            raise source.error(where, f"widget {name!r}: the kernel has no parameter {key!r}")


def files_of(
    source: Source, name: str, data: Any, data_sets: dict[str, list[str]]
) -> tuple[str, ...]:
    """The data files an entry's ``data`` names: set names expanded, each file checked."""
    files: list[str] = []
    for item in data:
        files += data_sets.get(item, [item])
    for relative in files:
        if not (source.path.parent / relative).is_file():
            raise source.error(
                (name, "data"),
                f"widget {name!r}: data file or set {relative!r} is missing "
                f"(sets: {', '.join(sorted(data_sets)) or 'none'})",
            )
    return tuple(files)


def vendor_of(source: Source, name: str, vendor: Any) -> tuple[str, ...]:
    """The browser libraries an entry asks for, each one the build knows."""
    for library in vendor:
        if library not in LIBRARIES:
            known_libraries = ", ".join(sorted(LIBRARIES))
            raise source.error(
                (name, "vendor"),
                f"widget {name!r}: unknown vendor library {library!r} (known: {known_libraries})",
            )
    return tuple(vendor)


def check_module(source: Source, name: str, module: str, static_dir: Path | None) -> None:
    """The entry's JS module must exist under ``static/``."""
    if static_dir is not None and not (static_dir / module).is_file():
        raise source.error((name, "module"), f"widget {name!r}: module static/{module} is missing")


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
