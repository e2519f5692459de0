"""The code behind a figure, taken from the source when the site is built: a widget's kernel
function and the project's functions it calls in turn, each with its file and line, highlighted
by Pygments into classes the stylesheet colours (no highlighter runs in the browser). The build
writes each kernel's listing to code/KERNEL.json, which the panel fetches when first opened.

What a listing leaves out is named, not hidden: input checks and data loading (``_validate.py``,
``_assets.py``, the model's ``weights.py`` and ``tokenizer.py``), and any function past the
first ``MOST_FUNCTIONS``.

Example: ``kernel_listing("softmax_quiz").functions[1].name`` -> 'softmax'
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
import types
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from ..errors import BuildError

PACKAGE = "pyodide_kernels"
#: Modules a listing names instead of showing: checks of the input and the loading of data
#: (the model's weights, its tokenizer), which an edit would only make slower to run again.
PLUMBING = (
    f"{PACKAGE}._validate",
    f"{PACKAGE}._assets",
    f"{PACKAGE}.model.weights",
    f"{PACKAGE}.model.tokenizer",
)
#: Functions a listing shows at most; the rest are named.
MOST_FUNCTIONS = 8
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Function:
    """One listed function: where it is and its exact source text."""

    name: str
    module: str
    path: str
    line: int
    source: str

    @property
    def html(self) -> Markup:
        """The source as highlighted HTML (spans with Pygments' short classes)."""
        return highlighted(self.source)


@cache
def highlighted(source: str) -> Markup:
    """Python source as Pygments' HTML spans, once per text (chapters and embeds share it).

    Example: ``highlighted("x = 1\n")`` -> Markup('<span class="n">x</span> …')
    """
    return Markup(highlight(source, PythonLexer(), HtmlFormatter(nowrap=True)))


@dataclass(frozen=True)
class Listing:
    """A kernel's functions, the kernel first, then its helpers in the order they are met."""

    functions: tuple[Function, ...]
    plumbing: tuple[str, ...]  # names from PLUMBING that it calls
    more: tuple[str, ...]  # listed functions past MOST_FUNCTIONS, by name

    def browser_entry(self) -> dict[str, Any]:
        """code/KERNEL.json, what the panel fetches: each function's name and module (which
        run_edited needs), file, line, source and highlighted HTML, and what was left out."""
        return {
            "functions": [
                {"name": f.name, "module": f.module, "path": f.path, "line": f.line,
                 "source": f.source, "html": str(f.html)}
                for f in self.functions
            ],
            "plumbing": list(self.plumbing),
            "more": list(self.more),
        }  # fmt: skip


def called_names(function: types.FunctionType) -> list[str]:
    """Names (and ``module.attr`` pairs) a function's body reads, in the order it first reads
    them.

    Example: ``called_names(softmax_quiz)`` -> ['logits', 'np', 'np.random', 'as_seed', …]
    """
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    spots: dict[str, tuple[int, int]] = {}
    for node in ast.walk(tree.body[0]):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            name = f"{node.value.id}.{node.attr}"
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            name = node.id
        else:
            continue
        spot = (node.lineno, node.col_offset)
        spots[name] = min(spots.get(name, spot), spot)
    return sorted(spots, key=lambda name: spots[name])


def resolve(function: types.FunctionType, name: str) -> Any:
    """What ``name`` means inside ``function``'s module: a global, or a module's attribute.

    Example: ``resolve(model_decoding.beam_search, "beam.beam_search")`` -> maths.beam.beam_search
    """
    head, _, attr = name.partition(".")
    value = function.__globals__.get(head)
    if attr:
        value = getattr(value, attr, None) if isinstance(value, types.ModuleType) else None
    return inspect.unwrap(value) if callable(value) else value


def project_function(value: Any) -> bool:
    """A plain function of the kernels package (not a class, a builtin or NumPy's)."""
    return isinstance(value, types.FunctionType) and value.__module__.startswith(f"{PACKAGE}.")


def source_of(function: types.FunctionType) -> Function:
    """A function's exact source text, file (repo-relative) and first line."""
    lines, line = inspect.getsourcelines(function)
    path = Path(inspect.getsourcefile(function) or "").resolve()
    return Function(
        function.__name__, function.__module__, path.relative_to(ROOT).as_posix(), line,
        "".join(lines),
    )  # fmt: skip


def listing_id(kernel: str, code: str = "") -> str:
    """The name of a listing's file under code/: the kernel's, with a family member's own
    function after it.

    Example: ``listing_id("lab_run", "pyodide_kernels.labs.heads.head_ablation")`` ->
    'lab_run+head_ablation'
    """
    return f"{kernel}+{code.rsplit('.', 1)[-1]}" if code else kernel


@cache
def kernel_listing(kernel: str, code: str = "") -> Listing:
    """The listing of kernel ``kernel`` (and of ``code``, "module.function", the function a
    family member runs through it): they, then every project function they call in turn
    (breadth first), the plumbing named apart.

    Example: ``kernel_listing("softmax").functions[0].path`` -> 'pyodide_kernels/maths/softmax.py'
    """
    from pyodide_kernels.dispatch import kernel_table

    table = kernel_table()
    if kernel not in table:
        raise BuildError("widgets.toml", 1, f"kernel {kernel!r}: no such kernel")
    roots = [table[kernel]]
    if code:
        module, _, name = code.rpartition(".")
        roots.append(getattr(importlib.import_module(module), name))
    queue = [inspect.unwrap(root) for root in roots]
    if not all(isinstance(root, types.FunctionType) for root in queue):
        raise BuildError("widgets.toml", 1, f"kernel {kernel!r}: not a plain function")
    seen = set(queue)
    found: list[types.FunctionType] = []
    plumbing: dict[str, None] = {}
    while queue:
        function = queue.pop(0)
        found.append(function)
        for name in called_names(function):
            value = resolve(function, name)
            if not project_function(value) or value in seen:
                continue
            seen.add(value)
            if value.__module__ in PLUMBING:
                plumbing[value.__name__] = None
            else:
                queue.append(value)
    shown = tuple(source_of(f) for f in found[:MOST_FUNCTIONS])
    return Listing(shown, tuple(plumbing), tuple(f.__name__ for f in found[MOST_FUNCTIONS:]))


def function_listing(path: str, name: str, where: tuple[str, int]) -> Function:
    """One function (or ``Class.method``) of a project file, read from the file without
    importing it (``reference/`` needs PyTorch to import), for a chapter's ``::: listing``.

    Example: ``function_listing("reference/train.py", "train_step", …).line`` -> 41
    """
    file = ROOT / path
    if not file.is_file() or file.suffix != ".py":
        raise BuildError(*where, f"{path}: no such Python file")
    text = file.read_text(encoding="utf-8")
    body: list[ast.stmt] = ast.parse(text).body
    node: ast.FunctionDef | ast.ClassDef | None = None
    for part in name.split("."):
        node = next(
            (n for n in body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == part),
            None,
        )
        if node is None:
            raise BuildError(*where, f"{path}: no function or class {name!r}")
        body = node.body
    assert node is not None
    first = min([node.lineno] + [d.lineno for d in node.decorator_list])
    lines = text.split("\n")[first - 1 : node.end_lineno]
    source = textwrap.dedent("\n".join(lines)) + "\n"
    module = path.removesuffix(".py").replace("/", ".")
    return Function(name.split(".")[-1], module, path, first, source)
