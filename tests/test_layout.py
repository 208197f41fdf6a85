"""The shape of the code: imports go one way and never in a circle, modules stay small, each
room holds what its name says, and product code never reaches into files a user lacks."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("translate", "summarize", "ui")
# Who may import whom: ui uses summarize and translate, summarize uses translate.
ALLOWED = {"translate": {"translate"}, "summarize": {"translate", "summarize"}, "ui": set(PACKAGES)}
MAX_LINES = 400
UI_TOP_LEVEL = {"__init__.py", "cli.py", "config.py", "article", "batch", "bench", "library", "models", "sources", "web"}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(("passerelle", *(parts[:-1] if parts[-1] == "__init__" else parts)))
            found[name] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules ``name`` imports, anywhere in its file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            bases = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # "from . import hub" imports the submodule; "from .x import name" imports x.
            bases = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        else:
            continue
        for candidate in bases:
            while candidate and candidate not in modules:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate != name:
                targets.add(candidate)
    return targets


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def test_no_module_imports_a_module_that_imports_it_back() -> None:
    graph = _graph()
    cycles = []

    def visit(node: str, path: list[str], done: set[str]) -> None:
        for target in sorted(graph[node]):
            if target in path:
                cycles.append(" -> ".join(path[path.index(target) :] + [target]))
            elif target not in done:
                visit(target, path + [target], done)
        done.add(node)

    done: set[str] = set()
    for module in sorted(graph):
        if module not in done:
            visit(module, [module], done)
    assert not cycles


def test_imports_go_one_way() -> None:
    wrong = [
        f"{name} imports {target}"
        for name, targets in _graph().items()
        for target in targets
        if target.split(".")[1] not in ALLOWED[name.split(".")[1]]
    ]
    assert not wrong


def test_the_project_is_imported_through_its_namespace_only() -> None:
    """``translate`` is also an unrelated package on PyPI: never import the folders bare."""
    bare = []
    for path in [*_modules().values(), *sorted((ROOT / "tests").rglob("*.py")), *sorted((ROOT / "scripts").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                continue
            bare += [f"{path.relative_to(ROOT)}: {name}" for name in names if name.split(".")[0] in PACKAGES]
    assert not bare


def test_every_package_is_installed() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    folders = {
        ".".join(("passerelle", *init.parent.relative_to(ROOT).parts))
        for package in PACKAGES
        for init in (ROOT / package).rglob("__init__.py")
    }
    assert set(setuptools["packages"]) == folders


def test_no_module_is_over_400_lines() -> None:
    long = {name: n for name, path in _modules().items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert not long


def test_ui_top_level_holds_the_entry_points_and_the_rooms() -> None:
    names = {path.name for path in (ROOT / "ui").iterdir() if path.name != "__pycache__"}
    assert names == UI_TOP_LEVEL


def test_product_code_never_reads_the_tests_or_shared_files() -> None:
    for path in _modules().values():
        text = path.read_text(encoding="utf-8")
        assert "../shared" not in text and '"shared"' not in text, path
        assert "tests/" not in text and "tests." not in text, path
