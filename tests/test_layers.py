"""Layers point one way; an import that points the wrong way fails here.

    cli.py, commands,         the command line (its commands by concept, their shared options
    cmdline.py, views.py      and process) and its rendering
    desk                      `scrape serve`: the web desk, a skin like the CLI
    scraper.crawl, .daily     orchestration: fetch, parse, keep
    scraper (the rest)        getting pages (fetch, transport, robots …) and the parser
    archive                   keeping bytes and records; knows nothing of crawling or parsing
    core                      the shared words: model, errors, URLs, sanitising

``scraper.parse`` stands beside ``archive``: pure, it imports neither the archive nor the
network side of ``scraper``. Every import counts, including those inside functions and under
``TYPE_CHECKING``, because each one is a dependency a reader has to follow.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ("core", "archive", "scraper", "desk", "commands", "cli", "cmdline", "views")

# The modules each layer may import from this project (prefix match on dotted names).
ORCHESTRATION = ("scraper.crawl", "scraper.daily")
ALLOWED: dict[str, tuple[str, ...]] = {
    "core": ("core",),
    "archive": ("core", "archive"),
    "scraper.parse": ("core", "scraper.parse"),
    "scraper": ("core", "scraper"),  # everything in scraper/ that is not named below
    "orchestration": ("core", "scraper", "archive"),
    "top": PROJECT,
}


def layer_of(module: str) -> str:
    if module in ("cli", "cmdline", "views") or module.split(".", 1)[0] in ("desk", "commands"):
        return "top"
    if module.startswith(ORCHESTRATION):
        return "orchestration"
    if module == "scraper.parse" or module.startswith("scraper.parse."):
        return "scraper.parse"
    return module.split(".", 1)[0]


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_files() -> Iterator[Path]:
    for top in ("core", "archive", "scraper", "desk", "commands"):
        yield from sorted((ROOT / top).rglob("*.py"))
    yield ROOT / "cli.py"
    yield ROOT / "cmdline.py"
    yield ROOT / "views.py"


def imports_of(path: Path, root: Path = ROOT) -> Iterator[tuple[int, str]]:
    """Every project module ``path`` imports, relative imports resolved, with its line."""
    module = module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            names = [stem] + [f"{stem}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name.split(".", 1)[0] in PROJECT:
                yield node.lineno, name


def wrong_way(path: Path, root: Path = ROOT) -> list[str]:
    """The imports of ``path`` that point to a layer it may not use."""
    layer = layer_of(module_name(path, root))
    allowed = ALLOWED[layer]
    bad = []
    for line, name in imports_of(path, root):
        if name in ("scraper", "archive", "core"):
            continue  # ``from scraper import X``: the package itself; ``scraper.X`` decides
        if not any(name == a or name.startswith(a + ".") for a in allowed):
            bad.append(f"{path.relative_to(root)}:{line}: {layer} imports {name}")
    return bad


@pytest.mark.parametrize("path", list(project_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_down(path: Path) -> None:
    """No module imports a layer above its own (or, for the parser, beside it)."""
    assert wrong_way(path) == []


def test_the_check_catches_a_wrong_import(tmp_path: Path) -> None:
    """The checker itself flags archive → scraper, core → archive and parse → archive."""
    cases = {
        "archive/bad.py": "from scraper.crawl import Crawler\n",
        "core/bad.py": "def f():\n    from archive import Index\n",
        "scraper/parse/bad.py": "from ...archive import Index\n",
        "scraper/fetch_bad.py": "import archive.index\n",
        "archive/desk_bad.py": "from desk.app import create_app\n",
    }
    for rel, text in cases.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        assert wrong_way(path, tmp_path), rel
    fine = tmp_path / "scraper" / "crawl.py"
    fine.write_text("from archive import Index\nfrom core.model import Article\n")
    assert wrong_way(fine, tmp_path) == []


def test_layer_table_covers_every_module() -> None:
    """Every module of the project belongs to a layer the table knows."""
    for path in project_files():
        assert layer_of(module_name(path)) in ALLOWED, path
