"""Documents against their peers' own test suites: a development check, run by hand (CI cannot
download the corpora, so the test suite never runs it).

Each file of a corpus goes through Passerelle as a user's file does: read and decoded by
``read_article_bytes`` (which refuses what the product refuses), translated by its format's
own code (on a tiny random-weight Marian model, or with ``--identity`` each text given back as
it is, to see structure alone), a file with nothing to translate handed back as it is. Then
the output is read back by the format's own library and compared with what that library
reads in the input:

- kept: the same structure (blocks, marks, verbatim code and HTML, tables, timings, tags);
- changed: the structure differs (the first difference is shown);
- refused: Passerelle refused a file the library reads (the reason is shown);
- crashed: Passerelle raised something else (a bug);
- invalid: the library refuses the input itself (not counted against Passerelle);
- unchecked: Passerelle wrote a file, but the library is not installed to read it back.

Corpora (all optional; a missing one is named and skipped; the exit status is always 0):
  --commonmark  CommonMark's spec.json (markdown-it-py's sdist ships it as
                tests/test_cmark_spec/commonmark.json)
  --docx        python-docx's test files folder (features/steps/test_files, tests/test_files)
  --srt         pysrt's test files folder (tests/static); read back with pysrt
  --vtt         webvtt-py's samples folder (tests/samples); read back with webvtt-py

    OMP_NUM_THREADS=1 .venv/bin/python scripts/check_corpora.py --commonmark .../commonmark.json \\
        --docx .../test_files --srt .../static --vtt .../samples [--identity] [--show 5]

pysrt and webvtt-py are not the project's dependencies: install them anywhere on the path
(``pip install --target DIR pysrt webvtt-py`` and ``PYTHONPATH=DIR``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the project's packages, imported where used

MAX_BYTES = 50_000_000
MAX_CHARS = 5_000_000
TAG = re.compile(r"</?[A-Za-z][^<>\n]*>|<\d+(?::\d+)*\.\d+>")  # a tag, or a karaoke timestamp (not "2<3,5>1")
TranslateMany = Callable[[Sequence[str]], list[str]]
Structure = Callable[[Path], Any]  # what the format's library reads in a file; raises if it refuses it


@dataclass
class Tally:
    """One corpus's outcomes, and a few examples of each."""

    name: str
    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, outcome: str, file: str, detail: str = "") -> None:
        self.counts[outcome] += 1
        if outcome not in ("kept", "unchecked"):
            self.examples.setdefault(outcome, []).append(f"{file}: {detail}" if detail else file)

    def report(self, show: int) -> str:
        order = ("kept", "changed", "refused", "crashed", "unchecked", "invalid")
        total = sum(self.counts[key] for key in order if key != "invalid")
        shown = [key for key in order[:5] if key != "unchecked" or self.counts[key]]
        lines = [f"{self.name}: {total} files: " + ", ".join(f"{self.counts[key]} {key}" for key in shown)
                 + f"; and {self.counts['invalid']} the library itself refuses (not counted)"]  # fmt: skip
        for outcome in ("changed", "refused", "crashed", "invalid"):
            for example in self.examples.get(outcome, [])[:show]:
                lines.append(f"  {outcome}: {example}")
            hidden = len(self.examples.get(outcome, [])) - show
            if hidden > 0:
                lines.append(f"  {outcome}: ... {hidden} more")
        return "\n".join(lines)


# Structures as each format's library reads them -------------------------------------------


def markdown_structure(path: Path) -> list[Any]:
    """markdown-it-py's tokens, text runs reduced to "text" (they are translated), everything
    verbatim (code, HTML, link and image targets) with its content."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(path.read_bytes().decode("utf-8-sig"))
    out: list[Any] = []
    for token in tokens:
        if token.type == "inline":
            out.append(("inline", _inline(token.children or [])))
        else:
            verbatim = token.content if token.type in ("fence", "code_block", "html_block") else None
            out.append((token.type, token.tag, token.markup, token.info, verbatim, token.attrs.get("start")))
    return out


def _inline(children: list[Any]) -> list[Any]:
    out: list[Any] = []
    for child in children:
        if child.type in ("text", "softbreak", "text_special"):
            if not out or out[-1] != "text":
                out.append("text")
        elif child.type in ("code_inline", "html_inline"):
            out.append((child.type, child.markup, child.content))
        else:  # "*" or "_" alike: the same emphasis
            markup = "" if child.type.startswith(("em_", "strong_")) else child.markup
            out.append((child.type, markup, child.attrs.get("href"), child.attrs.get("src"), child.attrs.get("title")))
    return out


def docx_structure(path: Path) -> dict[str, Any]:
    """python-docx's document: paragraph styles and which have text, tables' shapes, images,
    links, sections and their header and footer paragraphs."""
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(str(path))
    body = document.element.body

    def style(paragraph: Any) -> str | None:
        found = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        return None if found is None else found.get(qn("w:val"))

    def has_text(paragraph: Any) -> bool:
        return any((node.text or "").strip() for node in paragraph.iter(qn("w:t")))

    return {
        "paragraphs": [(style(p), has_text(p)) for p in body.iter(qn("w:p"))],
        "tables": [[len(row.findall(qn("w:tc"))) for row in table.iter(qn("w:tr"))] for table in body.iter(qn("w:tbl"))],
        "images": sum(1 for _ in body.iter(qn("w:drawing"))) + sum(1 for _ in body.iter(qn("w:pict"))),
        "links": [link.get(qn("r:id")) or link.get(qn("w:anchor")) for link in body.iter(qn("w:hyperlink"))],
        "sections": len(document.sections),
        "headers": [len(section.header.paragraphs) for section in document.sections],
        "footers": [len(section.footer.paragraphs) for section in document.sections],
    }


def srt_structure(path: Path) -> list[Any]:
    """pysrt's items (strict reading): numbers, timings, positions, the tags of each text."""
    import pysrt

    try:
        items = pysrt.open(str(path), error_handling=pysrt.ERROR_RAISE)
    except UnicodeDecodeError:  # what a pysrt user does with a file that is not UTF-8
        items = pysrt.open(str(path), encoding="windows-1252", error_handling=pysrt.ERROR_RAISE)
    return [(item.index, item.start.ordinal, item.end.ordinal, item.position, _tags(item.text)) for item in items]


def vtt_structure(path: Path) -> dict[str, Any]:
    """webvtt-py's captions (identifiers, timings, settings, tags), styles and regions."""
    import webvtt

    vtt = webvtt.read(str(path))
    captions = [(c.identifier, c.start, c.end, str(c.settings or ""), _tags(c.raw_text)) for c in vtt.captions]
    return {"captions": captions, "styles": len(vtt.styles), "regions": len(vtt.regions), "header": vtt.header_text}


def _tags(text: str) -> list[str]:
    """A cue's tags, each once, in order (a whole-cue tag may be repeated per line)."""
    return list(dict.fromkeys(TAG.findall(text)))


# Passerelle -------------------------------------------------------------------------------


class Refused(Exception):
    """Passerelle refused the file (its message says why)."""


def passerelle(data: bytes, name: str, translate_many: TranslateMany) -> bytes:
    """The file as Passerelle writes it back, or Refused."""
    from passerelle.translate import InputTextError
    from passerelle.ui.article import ArticleInputError, read_article_bytes

    try:
        form = read_article_bytes(data, name, MAX_BYTES, MAX_CHARS).form
    except (ArticleInputError, InputTextError) as error:
        raise Refused(str(error)) from error
    if form is None:
        raise ValueError(f"{name}: not read as a document with a form of its own")
    if not form.translatable():  # what Passerelle hands back for a file without text
        return form.untouched()
    return form.render(form.assemble(translate_many(form.model_texts()), translate_many))


def check_file(tally: Tally, label: str, data: bytes, suffix: str, structure: Structure | None, translate_many: TranslateMany) -> None:
    """One file through Passerelle, its output compared with its input by ``structure`` (None:
    the library is not installed)."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"source{suffix}"
        source.write_bytes(data)
        try:
            expected = structure(source) if structure is not None else None
        except Exception as error:  # noqa: BLE001  # the library's refusal is the finding
            tally.add("invalid", label, f"{type(error).__name__}: {error}"[:160])
            return
        try:
            output = passerelle(data, f"{label}{suffix}" if not label.endswith(suffix) else label, translate_many)
        except Refused as error:
            tally.add("refused", label, str(error)[:200])
            return
        except Exception as error:  # noqa: BLE001  # a crash is a finding, reported with the others
            tally.add("crashed", label, f"{type(error).__name__}: {error}"[:200])
            return
        if structure is None:
            tally.add("unchecked", label)
            return
        translated = Path(folder) / f"translated{suffix}"
        translated.write_bytes(output)
        try:
            found = structure(translated)
        except Exception as error:  # noqa: BLE001  # the library cannot read the output: changed
            tally.add("changed", label, f"output unreadable: {type(error).__name__}: {error}"[:200])
            return
        tally.add("kept" if found == expected else "changed", label, "" if found == expected else _difference(expected, found))


def _difference(expected: Any, found: Any) -> str:
    """The first difference between two structures, briefly."""
    if isinstance(expected, dict) and isinstance(found, dict):
        key = next(k for k in expected if expected[k] != found.get(k))
        return f"{key}: " + _difference(expected[key], found.get(key))
    if isinstance(expected, list) and isinstance(found, list):
        for index, (a, b) in enumerate(zip(expected, found)):
            if a != b:
                return f"[{index}] {a!r} -> {b!r}"[:240]
        return f"{len(expected)} items -> {len(found)}"
    return f"{expected!r} -> {found!r}"[:240]


# Corpora ----------------------------------------------------------------------------------


def commonmark_files(path: Path) -> Iterator[tuple[str, bytes]]:
    for example in json.loads(path.read_text(encoding="utf-8")):
        yield f"example {example['example']} ({example['section']})", example["markdown"].encode("utf-8")


def folder_files(path: Path, suffixes: tuple[str, ...]) -> Iterator[tuple[str, bytes]]:
    for found in sorted(path.rglob("*")):
        if found.is_file() and found.suffix.lower() in suffixes:
            yield str(found.relative_to(path)), found.read_bytes()


CORPORA = {  # option: (what it is, its files, suffix, structure, library)
    "commonmark": ("CommonMark spec.json", commonmark_files, ".md", markdown_structure, "markdown_it"),
    "docx": ("python-docx test files", lambda p: folder_files(p, (".docx",)), ".docx", docx_structure, "docx"),
    "srt": ("pysrt test files", lambda p: folder_files(p, (".srt",)), ".srt", srt_structure, "pysrt"),
    "vtt": ("webvtt-py samples", lambda p: folder_files(p, (".vtt",)), ".vtt", vtt_structure, "webvtt"),
}


def run_corpus(option: str, path: Path | None, translate_many: TranslateMany, show: int) -> str:
    what, files, suffix, reader, library = CORPORA[option]
    structure: Structure | None = reader
    if path is None or not path.exists():
        return f"{option}: missing ({what}{f': {path} not found' if path else f'; give --{option} PATH'})"
    try:
        __import__(library)
    except ImportError:
        structure, path_note = None, f"; {library} is not installed: outputs not read back"
    else:
        path_note = ""
    tally = Tally(f"{option} ({path}{path_note})")
    for label, data in files(path):
        check_file(tally, label, data, suffix, structure, translate_many)
    return tally.report(show)


def translator_for(args: argparse.Namespace, scratch: Path) -> TranslateMany:
    """Each text as it is (``--identity``), or the model's translation (by default a tiny
    random Marian model, built in ``scratch`` as the tests build theirs)."""
    if args.identity:
        return lambda texts: list(texts)
    from passerelle.translate import Translator

    model = args.model
    if model is None:
        from passerelle.ui.bench.builders import build_marian
        from tests.corpus import ENGLISH_LINES, FRENCH_LINES

        model = build_marian(scratch, FRENCH_LINES, ENGLISH_LINES, source_lang="fr", target_lang="en")
    translator = Translator(str(model), backend="transformers", generation={"num_beams": 1, "max_new_tokens": 8})
    return lambda texts: translator.translate_texts(texts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    for option, (what, *_) in CORPORA.items():
        parser.add_argument(f"--{option}", type=Path, help=what)
    parser.add_argument("--identity", action="store_true", help="give each text back as it is (structure alone)")
    parser.add_argument("--model", type=Path, help="a Marian model folder (default: a tiny random one, built now)")
    parser.add_argument("--show", type=int, default=5, help="examples shown per outcome")
    args = parser.parse_args(argv)
    present = [option for option in CORPORA if getattr(args, option) is not None and getattr(args, option).exists()]
    with tempfile.TemporaryDirectory(prefix="check-corpora-") as scratch:
        translate_many = translator_for(args, Path(scratch)) if present else list
        if present:
            print(f"translation: {'identity' if args.identity else args.model or 'a tiny random Marian model'}")
        for option in CORPORA:
            print(run_corpus(option, getattr(args, option), translate_many, args.show), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
