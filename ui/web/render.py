"""HTML for the web app's panes, built by pure functions so they can be tested without a
server. Every piece of user or model text goes through ``html.escape``: the panes show
articles from anywhere, and a pasted ``<script>`` must stay text.

Sentences are ``<span class="seg" data-seg="N">`` in both the original and the translation,
numbered the same way (N-th translatable piece of the document), so the page script
(``assets/passerelle.js``) can light up a sentence's counterpart in the other pane; the class
names below are the ones ``assets/passerelle.css`` and the script use. Pane bodies are a plain
concatenation of blocks, so while streaming each update only appends to the previous one
(Gradio sends string appends as diffs, not whole values).
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from passerelle.summarize import FactCheck
from passerelle.translate import Document, TranslationResult
from passerelle.translate.document import Unit, UnitKind
from passerelle.translate.faithful import Flag, FlagKind

SEG_CLASS = "seg"
ACTIVE_CLASS = "seg-active"  # hovered sentence and its counterpart
PINNED_CLASS = "seg-pinned"  # clicked sentence and its counterpart
KEY_CLASS = "seg-key"  # a sentence the summary rests on
FLAG_CLASS = "seg-flag"  # a sentence the checks flagged (a number or name missing, a span rescued)
UNSURE_CLASS = "seg-unsure"  # a sentence the model was unsure of
UNSUPPORTED_CLASS = "unsupported"  # a number or name of a summary not found in what it summarises
PANE_CLASS = "pane-scroll"  # the scrolling container of a pane
MAX_HEADING_LEVEL = 6
_ORDERED_MARKER = re.compile(r"\d+[.)]")


PLACEHOLDERS = {
    "original": "The article appears here, sentence by sentence.",
    "translation": "Its translation appears here, paragraph by paragraph.",
    "summary": "A short summary in English and French appears here once the translation is done.",
}


class ProgressState(StrEnum):
    RUNNING = "running"
    DONE = "done"
    ERROR = "error"
    IDLE = "idle"


@dataclass(frozen=True)
class Progress:
    """What the progress line says: a stage, how far it is, and the time spent."""

    label: str
    done: int = 0
    total: int = 0
    seconds: float | None = None
    state: ProgressState = ProgressState.RUNNING
    unit: str = "sentences"  # what done and total count


def _seg(number: int | None, text: str, keys: Collection[int] = (), flags: Sequence[Flag] = ()) -> str:
    """A sentence; its flags (if any) as a class, a tooltip and a mark a reader can see."""
    escaped = html.escape(text)
    if number is None:
        return escaped
    problems = [flag for flag in flags if flag.kind != FlagKind.LOW_CONFIDENCE]
    classes = [SEG_CLASS]
    classes += [KEY_CLASS] if number in keys else []
    classes += [FLAG_CLASS] if problems else []
    classes += [UNSURE_CLASS] if len(problems) < len(flags) else []
    title = f' title="{html.escape(_sentence_case(flags))}"' if flags else ""
    mark = '<sup class="flag-mark" aria-hidden="true">!</sup>' if problems else ""
    return f'<span class="{" ".join(classes)}" data-seg="{number}"{title}>{escaped}{mark}</span>'


def _sentence_case(flags: Sequence[Flag]) -> str:
    return "\n".join(flag.message[:1].upper() + flag.message[1:] + "." for flag in flags)


def _block(unit: Unit, inner: str) -> str:
    """A unit as the block element that keeps its role readable (heading, list item...)."""
    marker = unit.marker.strip()
    if unit.kind == UnitKind.HEADING:
        level = min(marker.count("#") + 1, MAX_HEADING_LEVEL)  # h1 is the page's title
        return f'<h{level} class="unit">{inner}</h{level}>'
    if unit.kind == UnitKind.LIST_ITEM:
        shown = marker if _ORDERED_MARKER.fullmatch(marker) else "•"
        return f'<div class="unit li"><span class="marker">{html.escape(shown)}</span><span>{inner}</span></div>'
    if unit.kind == UnitKind.VERBATIM:
        return f'<pre class="unit">{inner}</pre>'
    return f'<p class="unit">{inner}</p>'


def render_original(document: Document, keys: Collection[int] = ()) -> str:
    """The source article, sentence by sentence; ``keys`` are the sentences the summary
    rests on, marked."""
    blocks = []
    for unit, numbers in document.numbered():
        if unit.kind == UnitKind.VERBATIM:
            inner = html.escape(unit.body())
        else:
            # The source's own whitespace between sentences: the original is shown as written.
            inner = "".join(_seg(n, p.text, keys) + html.escape(p.trailing) for n, p in zip(numbers, unit.pieces, strict=True))
        blocks.append(_block(unit, inner))
    return "\n".join(blocks)


def render_translation(result: TranslationResult, keys: Collection[int] = ()) -> str:
    """The translated units of ``result`` (all of them once it is complete); ``keys`` as for
    ``render_original``.

    Raises ValueError when the segments do not follow the document (a bug upstream, and
    wrong highlights would silently mislead the reader).
    """
    document, segments = result.document, result.segments
    if document is None:
        raise ValueError("the translation result carries no document to lay it out")
    blocks = []
    for unit, numbers in list(document.numbered())[: result.units_done]:
        if unit.kind == UnitKind.VERBATIM:
            blocks.append(_block(unit, html.escape(unit.body())))
            continue
        words = []
        for number, piece in zip(numbers, unit.pieces, strict=True):
            if number is None:
                words.append(html.escape(piece.text))
                continue
            if number >= len(segments) or segments[number].source != piece.text:
                raise ValueError(f"segment {number} does not match the document's piece {piece.text[:60]!r}")
            segment = segments[number]
            words.append(_seg(number, segment.target, keys, segment.flags))
        blocks.append(_block(unit, " ".join(words)))
    return "\n".join(blocks)


def _marked(text: str, items: Sequence[str], why: str) -> str:
    """``text`` escaped, each whole occurrence of ``items`` in a <mark> saying ``why``."""
    if not items:
        return html.escape(text)
    alternatives = "|".join(re.escape(item) for item in sorted(items, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w.,])(?:{alternatives})(?!\w|[.,]\d)")
    out, cursor = [], 0
    for match in pattern.finditer(text):
        mark = f'<mark class="{UNSUPPORTED_CLASS}" title="{html.escape(why)}">{html.escape(match.group())}</mark>'
        out += [html.escape(text[cursor : match.start()]), mark]
        cursor = match.end()
    return "".join(out) + html.escape(text[cursor:])


def _paragraphs(text: str, unsupported: Sequence[str] = (), why: str = "") -> str:
    parts = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{_marked(p, unsupported, why)}</p>" for p in parts)


SUMMARY_SOURCES = {"en": "the English text", "fr": "the English summary"}


def render_summary(
    en: str | None,
    fr: str | None,
    note: str | None = None,
    key_count: int | None = None,
    checks: dict[str, FactCheck | None] | None = None,
) -> str:
    """English and French summaries one above the other; ``note`` replaces missing parts;
    ``key_count`` says how many sentences of the article the summary was traced to;
    ``checks`` (by language) mark the numbers and names not found in what each summarises."""
    sections = []
    checks = checks or {}
    for lang, title, text in (("en", "English", en), ("fr", "Français", fr)):
        check = checks.get(lang)
        unsupported = check.unsupported if check else ()
        why = f"Not found in {SUMMARY_SOURCES[lang]}"
        body = _paragraphs(text, unsupported, why) if text else f'<p class="muted">{html.escape(note or "—")}</p>'
        if text and check is not None and unsupported:
            count = len(unsupported)
            body += (
                f'<p class="muted check-note">{count} of its {check.checked} numbers and names '
                f"{'is' if count == 1 else 'are'} not in {SUMMARY_SOURCES[lang]} (marked).</p>"
            )
        sections.append(f'<section class="summary" lang="{lang}"><h2 class="summary-title">{title}</h2>{body}</section>')
    if key_count:
        sentences = "sentence" if key_count == 1 else "sentences"
        sections.append(
            f'<p class="muted key-note">The summary rests on {key_count} {sentences} of the article, underlined in both panes.</p>'
        )
    elif key_count == 0:
        sections.append('<p class="muted key-note">The summary rewords the article: no sentence could be traced.</p>')
    return "".join(sections)


def render_source_link(url: str) -> str:
    """The line above an article read from a link: where it came from."""
    escaped = html.escape(url)
    return f'<p class="source-link">From <a href="{escaped}" target="_blank" rel="noopener noreferrer nofollow">{escaped}</a></p>'


def render_placeholder(message: str) -> str:
    """The grey text an empty pane shows."""
    return f'<p class="placeholder">{html.escape(message)}</p>'


def render_progress(progress: Progress) -> str:
    """A labelled progress bar (a native ``<progress>``: accessible, no inline styles)."""
    bar = ""
    if progress.state == ProgressState.RUNNING:
        if progress.total > 0:
            bar = f'<progress max="{progress.total}" value="{min(progress.done, progress.total)}"></progress>'
        else:
            bar = "<progress></progress>"  # indeterminate: the browser animates it
    counting = progress.total > 0 and progress.state == ProgressState.RUNNING
    count = f" · {progress.done} / {progress.total} {progress.unit}" if counting else ""
    seconds = f" · {progress.seconds:.1f} s" if progress.seconds is not None else ""
    label = html.escape(progress.label + count + seconds)
    return f'<div class="progress-line {html.escape(progress.state)}" role="status">{bar}<span>{label}</span></div>'


def render_notices(warnings: Sequence[str] = (), notes: Sequence[str] = (), errors: Sequence[str] = ()) -> str:
    """Errors, warnings and notes about the input, most serious first; empty when none."""
    items = [("error", e) for e in errors] + [("warning", w) for w in warnings] + [("note", n) for n in notes]
    return "".join(f'<div class="notice {kind}">{html.escape(text)}</div>' for kind, text in items)


def human_bytes(size: int) -> str:
    """A size as people read it: "2 MB", not 2000000."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size} bytes"


def idle_status(errors: Sequence[str] = (), notes: Sequence[str] = ()) -> str:
    """The status line before any translation: what to do, and what is wrong with the files."""
    progress = Progress("Paste an article or upload files, then press Translate.", state=ProgressState.IDLE)
    return render_progress(progress) + render_notices(errors=errors, notes=notes)


class FileState(StrEnum):
    WAITING = "waiting"
    TRANSLATING = "translating"
    DONE = "done"
    FAILED = "failed"


FILE_STATE_TEXTS = {
    FileState.WAITING: "to translate",
    FileState.TRANSLATING: "translating…",
    FileState.DONE: "translated",
    FileState.FAILED: "failed",
}
FILE_STATE_SIGNS = {FileState.WAITING: "○", FileState.TRANSLATING: "◌", FileState.DONE: "✓", FileState.FAILED: "✗"}


@dataclass(frozen=True)
class FileLine:
    """One uploaded file in the status: its state, a word on it, and whether the panes show it."""

    name: str
    state: FileState = FileState.WAITING
    detail: str = ""
    shown: bool = False


def render_file_states(files: Sequence[FileLine]) -> str:
    """Each uploaded file's state, the one the panes show marked; nothing for fewer than two."""
    if len(files) < 2:
        return ""
    items = []
    for line in files:
        text = f"{FILE_STATE_SIGNS[line.state]} {line.name}: {FILE_STATE_TEXTS[line.state]}"
        text += f" ({line.detail})" if line.detail else ""
        shown = ' aria-current="true"' if line.shown else ""
        mark = ' <span class="shown-mark">shown below</span>' if line.shown else ""
        items.append(f'<li class="file {line.state.value}"{shown}>{html.escape(text)}{mark}</li>')
    return f'<ul class="file-states" aria-label="Uploaded articles">{"".join(items)}</ul>'


def _stored_flags(segment: dict[str, Any]) -> tuple[Flag, ...]:
    flags = []
    for flag in segment.get("flags") or []:
        try:
            flags.append(Flag(FlagKind(flag.get("kind")), str(flag.get("detail") or "")))
        except ValueError:  # a kind this version does not know: its sentence is shown unflagged
            continue
    return tuple(flags)


def _stored_check(data: Any) -> FactCheck | None:
    if not isinstance(data, dict):
        return None
    return FactCheck(int(data.get("checked") or 0), tuple(str(item) for item in data.get("unsupported") or ()))


def render_stored(result: dict[str, Any]) -> tuple[str, str, str]:
    """A kept article's three panes from its result JSON (``ArticleResult.to_json()``), as
    the page showed them: sentences numbered alike in both panes, flags and key sentences
    marked, the summaries with their unsupported facts. Paragraphs follow the segments'
    paragraph numbers (the document's headings and lists are not kept in the JSON)."""
    segments = [segment for segment in result.get("segments") or [] if isinstance(segment, dict)]
    keys = {number for number, segment in enumerate(segments) if segment.get("key")}
    if segments:
        groups: dict[int, list[int]] = {}
        for number, segment in enumerate(segments):
            groups.setdefault(int(segment.get("paragraph") or 0), []).append(number)
        original = "\n".join(
            '<p class="unit">' + " ".join(_seg(n, str(segments[n].get("source") or "").strip(), keys) for n in numbers) + "</p>"
            for numbers in groups.values()
        )
        translation = "\n".join(
            '<p class="unit">'
            + " ".join(_seg(n, str(segments[n].get("target") or "").strip(), keys, _stored_flags(segments[n])) for n in numbers)
            + "</p>"
            for numbers in groups.values()
        )
    else:
        original = _paragraphs(str(result.get("source") or "")) or render_placeholder("The original was not kept.")
        translation = _paragraphs(str(result.get("translation") or "")) or render_placeholder("No translation was kept.")
    summary_json = result.get("summary")
    if isinstance(summary_json, dict):
        check = summary_json.get("check") or {}
        checks = {"en": _stored_check(check.get("en")), "fr": _stored_check(check.get("fr"))}
        summary = render_summary(summary_json.get("en"), summary_json.get("fr"), key_count=len(keys) or None, checks=checks)
    else:
        summary = render_placeholder("No summary was made for this article.")
    return original, translation, summary
