"""The documents render as they read: every Markdown file of the project parses with
markdown-it-py without an unclosed code fence or a table row that lost its table, and every
relative link goes to a file that exists and, with an anchor, to a heading it has."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = sorted([ROOT / "README.md", ROOT / "models.md", *(ROOT / "docs").glob("*.md")])
README_MAX_LINES = 150
PARSER = MarkdownIt("commonmark").enable("table")


def anchors(path: Path) -> set[str]:
    """GitHub's anchors: headings lower-cased, punctuation dropped, spaces as hyphens."""
    found = set()
    tokens = PARSER.parse(path.read_text(encoding="utf-8"))
    for opening, inline in zip(tokens, tokens[1:]):
        if opening.type == "heading_open":
            text = inline.content.lower()
            found.add(re.sub(r"[^\w\- ]", "", text).replace(" ", "-"))
    return found


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_fences_are_closed_and_tables_whole(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fences = [line for line in text.splitlines() if re.match(r"^\s*(```|~~~)", line)]
    assert len(fences) % 2 == 0, f"{path.name}: an unclosed code fence"
    tokens = PARSER.parse(text)
    stray = [t.content for t in tokens if t.type == "inline" and t.content.lstrip().startswith("|") and t.content.count("|") >= 3]
    assert not stray, f"{path.name}: table rows outside a table (a blank line inside it?): {stray[:2]}"


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_reach_their_file_and_heading(path: Path) -> None:
    broken = []
    for token in PARSER.parse(path.read_text(encoding="utf-8")):
        for child in token.children or []:
            href = child.attrGet("href") if child.type == "link_open" else None
            if not href or urlsplit(href).scheme:
                continue
            target_path, _, anchor = href.partition("#")
            target = (path.parent / unquote(target_path)).resolve() if target_path else path
            if not target.exists():
                broken.append(f"{href}: no such file")
            elif anchor and target.suffix == ".md" and anchor not in anchors(target):
                broken.append(f"{href}: no such heading")
    assert not broken, f"{path.name}: {broken}"


def test_the_readme_is_a_five_minute_read() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= README_MAX_LINES
    assert text.split("\n\n")[1].startswith("```sh\nmake run") and "make test" in text.split("\n\n")[1]
