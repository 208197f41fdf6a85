"""HTML for the web app's panes, built by pure functions so they can be tested without a
server. Every piece of user or model text goes through ``html.escape``: the panes show
articles from anywhere, and a pasted ``<script>`` must stay text.

Sentences are ``<span class="seg" data-seg="N">`` in both the original and the translation,
numbered the same way (N-th translatable piece of the document), so the page script in
``HEAD`` can light up a sentence's counterpart in the other pane. Pane bodies are a plain
concatenation of blocks, so while streaming each update only appends to the previous one
(Gradio sends string appends as diffs, not whole values).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Collection, Iterator, Sequence

from translate.segment import Document, Unit
from translate.translator import Segment

SEG_CLASS = "seg"
ACTIVE_CLASS = "seg-active"  # hovered sentence and its counterpart
PINNED_CLASS = "seg-pinned"  # clicked sentence and its counterpart
KEY_CLASS = "seg-key"  # a sentence the summary rests on
PANE_CLASS = "pane-scroll"  # the scrolling container of a pane
MAX_HEADING_LEVEL = 6
_ORDERED_MARKER = re.compile(r"\d+[.)]")


# Texts of the page (HTML, ours: no user input in them).
HEADER = (
    "<h1>Passerelle</h1><p>French → English translation of whole articles, with a bilingual summary. "
    "Hover or click a sentence to find it in the other language.</p>"
)
PANE_TITLES = {"original": "Original · français", "translation": "Translation · English", "summary": "Summary · résumé"}
PLACEHOLDERS = {
    "original": "The French article appears here, sentence by sentence.",
    "translation": "The English translation appears here, paragraph by paragraph.",
    "summary": "A short summary in English and French appears here once the translation is done.",
}


@dataclass(frozen=True)
class Progress:
    """What the progress line says: a stage, how far it is, and the time spent."""

    label: str
    done: int = 0
    total: int = 0
    seconds: float | None = None
    state: str = "running"  # "running" | "done" | "error" | "idle"
    unit: str = "sentences"  # what done and total count


def _numbered_units(document: Document) -> Iterator[tuple[Unit, list[int | None]]]:
    """Each unit with, per piece, its sentence number (None for untranslated pieces)."""
    counter = 0
    for unit in document.units:
        numbers: list[int | None] = []
        for piece in unit.pieces:
            if unit.kind != "verbatim" and piece.translatable:
                numbers.append(counter)
                counter += 1
            else:
                numbers.append(None)
        yield unit, numbers


def _seg(number: int | None, text: str, keys: Collection[int] = ()) -> str:
    escaped = html.escape(text)
    if number is None:
        return escaped
    classes = f"{SEG_CLASS} {KEY_CLASS}" if number in keys else SEG_CLASS
    return f'<span class="{classes}" data-seg="{number}">{escaped}</span>'


def _block(unit: Unit, inner: str) -> str:
    """A unit as the block element that keeps its role readable (heading, list item...)."""
    marker = unit.marker.strip()
    if unit.kind == "heading":
        level = min(marker.count("#") + 1, MAX_HEADING_LEVEL)  # h1 is the page's title
        return f'<h{level} class="unit">{inner}</h{level}>'
    if unit.kind == "list_item":
        shown = marker if _ORDERED_MARKER.fullmatch(marker) else "•"
        return f'<div class="unit li"><span class="marker">{html.escape(shown)}</span><span>{inner}</span></div>'
    if unit.kind == "verbatim":
        return f'<pre class="unit">{inner}</pre>'
    return f'<p class="unit">{inner}</p>'


def render_original(document: Document, keys: Collection[int] = ()) -> str:
    """The source article, sentence by sentence; ``keys`` are the sentences the summary
    rests on, marked."""
    blocks = []
    for unit, numbers in _numbered_units(document):
        if unit.kind == "verbatim":
            inner = html.escape("".join(p.text + p.trailing for p in unit.pieces))
        else:
            # The source's own whitespace between sentences: the original is shown as written.
            inner = "".join(_seg(n, p.text, keys) + html.escape(p.trailing) for n, p in zip(numbers, unit.pieces))
        blocks.append(_block(unit, inner))
    return "\n".join(blocks)


def render_translation(
    document: Document, segments: Sequence[Segment], units_done: int, keys: Collection[int] = ()
) -> str:
    """The first ``units_done`` units in English; ``segments`` are the translator's, in order;
    ``keys`` as for ``render_original``.

    Raises ValueError when the segments do not follow the document (a bug upstream, and
    wrong highlights would silently mislead the reader).
    """
    blocks = []
    for unit, numbers in list(_numbered_units(document))[:units_done]:
        if unit.kind == "verbatim":
            blocks.append(_block(unit, html.escape("".join(p.text + p.trailing for p in unit.pieces))))
            continue
        words = []
        for number, piece in zip(numbers, unit.pieces):
            if number is None:
                words.append(html.escape(piece.text))
                continue
            if number >= len(segments) or segments[number].source != piece.text:
                raise ValueError(f"segment {number} does not match the document's piece {piece.text[:60]!r}")
            words.append(_seg(number, segments[number].target, keys))
        blocks.append(_block(unit, " ".join(words)))
    return "\n".join(blocks)


def _paragraphs(text: str) -> str:
    parts = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in parts)


def render_summary(
    en: str | None, fr: str | None, note: str | None = None, key_count: int | None = None
) -> str:
    """English and French summaries one above the other; ``note`` replaces missing parts;
    ``key_count`` says how many sentences of the article the summary was traced to."""
    sections = []
    for lang, title, text in (("en", "English", en), ("fr", "Français", fr)):
        body = _paragraphs(text) if text else f'<p class="muted">{html.escape(note or "—")}</p>'
        sections.append(f'<section class="summary" lang="{lang}"><h4>{title}</h4>{body}</section>')
    if key_count:
        sentences = "sentence" if key_count == 1 else "sentences"
        sections.append(
            f'<p class="muted key-note">The summary rests on {key_count} {sentences} of the article, '
            f'underlined in both panes.</p>'
        )
    elif key_count == 0:
        sections.append('<p class="muted key-note">The summary rewords the article: no sentence could be traced.</p>')
    return "".join(sections)


def render_placeholder(message: str) -> str:
    """The grey text an empty pane shows."""
    return f'<p class="placeholder">{html.escape(message)}</p>'


def render_progress(progress: Progress) -> str:
    """A labelled progress bar (a native ``<progress>``: accessible, no inline styles)."""
    bar = ""
    if progress.state == "running":
        if progress.total > 0:
            bar = f'<progress max="{progress.total}" value="{min(progress.done, progress.total)}"></progress>'
        else:
            bar = "<progress></progress>"  # indeterminate: the browser animates it
    counting = progress.total > 0 and progress.state == "running"
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


# Page-level CSS (passed to launch(css=...) in Gradio 6). Gradio's theme variables keep the
# panes right in dark mode; the grid stacks the three panes below the breakpoint.
CSS = f"""
:root {{ --seg-active: #fde68a; --seg-pinned: #fcd34d; --pane-height: clamp(20rem, 64vh, 52rem); }}
.dark {{ --seg-active: #854d0e; --seg-pinned: #a16207; }}
.gradio-container {{ max-width: 1500px !important; margin: 0 auto !important; }}
#app-title h1 {{ margin: 0; font-size: 1.6rem; letter-spacing: -0.01em; }}
#app-title p {{ margin: 0.2rem 0 0; color: var(--body-text-color-subdued); }}
#panes {{ display: grid !important; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 1rem; align-items: start; }}
@media (max-width: 960px) {{ #panes {{ grid-template-columns: minmax(0, 1fr); }} }}
#panes > .column {{ min-width: 0 !important; gap: 0.4rem !important; }}
#status-row {{ flex-wrap: nowrap !important; align-items: center; }}
#status-row > .column {{ min-width: 0 !important; }}
#status {{ min-height: 2rem; }}
.pane-title {{ font-size: 0.8rem; font-weight: 600; letter-spacing: 0.06em; text-transform: uppercase;
  color: var(--body-text-color-subdued); padding: 0 0.25rem; }}
.{PANE_CLASS} {{ height: var(--pane-height); overflow-y: auto !important; padding: 1rem 1.25rem !important;
  border: 1px solid var(--border-color-primary); border-radius: var(--radius-lg);
  background: var(--block-background-fill); box-shadow: var(--block-shadow); }}
/* Gradio 6 puts elem_classes on the component and on its inner HTML box: only the outer one scrolls. */
.{PANE_CLASS} .{PANE_CLASS} {{ height: auto; overflow: visible !important; padding: 0 !important; border: 0;
  border-radius: 0; background: none; box-shadow: none; }}
.{PANE_CLASS}, .{PANE_CLASS} p, .{PANE_CLASS} li, .{PANE_CLASS} .li {{
  font-family: Charter, "Bitstream Charter", "Sitka Text", Cambria, Georgia, serif;
  font-size: 1.02rem; line-height: 1.65; color: var(--body-text-color); overflow-wrap: anywhere; }}
.{PANE_CLASS} p {{ margin: 0 0 0.9em; }}
.{PANE_CLASS} .unit:first-child {{ margin-top: 0; }}
.{PANE_CLASS} h2, .{PANE_CLASS} h3, .{PANE_CLASS} h4, .{PANE_CLASS} h5, .{PANE_CLASS} h6 {{
  font-family: inherit; line-height: 1.3; margin: 1em 0 0.5em; }}
.{PANE_CLASS} h2 {{ font-size: 1.3rem; }} .{PANE_CLASS} h3 {{ font-size: 1.15rem; }}
.{PANE_CLASS} .li {{ display: flex; gap: 0.5em; margin: 0 0 0.4em 0.3em; }}
.{PANE_CLASS} .marker {{ color: var(--body-text-color-subdued); min-width: 1.2em; }}
.{PANE_CLASS} pre {{ white-space: pre-wrap; font-size: 0.9rem; }}
.{SEG_CLASS} {{ border-radius: 3px; cursor: pointer; transition: background-color 0.12s; }}
.{SEG_CLASS}.{ACTIVE_CLASS} {{ background: var(--seg-active); }}
.{SEG_CLASS}.{PINNED_CLASS} {{ background: var(--seg-pinned); box-shadow: 0 0 0 2px var(--seg-pinned); }}
.{SEG_CLASS}.{KEY_CLASS} {{ text-decoration: underline 2px var(--seg-pinned); text-underline-offset: 3px; }}
.summary h4 {{ margin: 0 0 0.4rem; font-size: 0.8rem; letter-spacing: 0.06em; text-transform: uppercase;
  color: var(--body-text-color-subdued); font-family: var(--font); }}
.summary + .summary {{ margin-top: 1.2rem; padding-top: 1rem; border-top: 1px solid var(--border-color-primary); }}
.hint {{ font-size: 0.82rem; color: var(--body-text-color-subdued); padding: 0 0.25rem; }}
.placeholder, .muted {{ color: var(--body-text-color-subdued); font-style: italic; }}
.progress-line {{ display: flex; padding: 0.3rem 0; align-items: center; gap: 0.75rem; min-height: 1.6rem;
  font-size: 0.92rem; color: var(--body-text-color-subdued); }}
.progress-line progress {{ flex: 0 0 14rem; height: 0.45rem; appearance: none; border: 0; border-radius: 999px;
  overflow: hidden; background: var(--border-color-primary); }}
.progress-line progress::-webkit-progress-bar {{ background: var(--border-color-primary); }}
.progress-line progress::-webkit-progress-value {{ background: var(--button-primary-background-fill); }}
.progress-line progress::-moz-progress-bar {{ background: var(--button-primary-background-fill); }}
.progress-line.done span {{ color: var(--body-text-color); }}
.progress-line.error span {{ color: var(--error-text-color, #b91c1c); font-weight: 600; }}
.notice {{ padding: 0.55rem 0.8rem; border-radius: var(--radius-md); margin: 0.25rem 0; font-size: 0.92rem;
  white-space: pre-wrap; }}
.notice.warning {{ background: #fef3c7; color: #78350f; border: 1px solid #fcd34d; }}
.notice.error {{ background: #fee2e2; color: #7f1d1d; border: 1px solid #fca5a5; }}
.notice.note {{ background: var(--background-fill-secondary); color: var(--body-text-color-subdued); }}
/* Stacked panes: as tall as their text (up to a screenful), not a fixed block each. */
@media (max-width: 960px) {{
  #panes .{PANE_CLASS} {{ height: auto; min-height: 8rem; max-height: 75vh; }}
  #panes .{PANE_CLASS} .{PANE_CLASS} {{ min-height: 0; max-height: none; }}
}}
"""

# Document-level script (launch(head=...)): one delegated listener on ``document``, so it
# keeps working when Gradio replaces the panes' HTML during streaming.
HEAD = f"""
<script>
(() => {{
  if (window.__passerelleSegments) return;
  window.__passerelleSegments = true;
  const SEG = ".{SEG_CLASS}[data-seg]";
  const mark = (cls, n) => {{
    document.querySelectorAll("." + cls).forEach((el) => el.classList.remove(cls));
    if (n !== null) document.querySelectorAll(`.{SEG_CLASS}[data-seg="${{n}}"]`).forEach((el) => el.classList.add(cls));
  }};
  const segOf = (target) => (target instanceof Element ? target.closest(SEG) : null);
  document.addEventListener("mouseover", (event) => {{
    const seg = segOf(event.target);
    if (seg) mark("{ACTIVE_CLASS}", seg.dataset.seg);
  }});
  document.addEventListener("mouseout", (event) => {{
    const seg = segOf(event.target);
    if (seg && segOf(event.relatedTarget) !== seg) mark("{ACTIVE_CLASS}", null);
  }});
  document.addEventListener("click", (event) => {{
    const seg = segOf(event.target);
    if (!seg) return;
    const n = seg.dataset.seg;
    const pinned = seg.classList.contains("{PINNED_CLASS}");
    mark("{PINNED_CLASS}", pinned ? null : n);
    if (pinned) return;
    document.querySelectorAll(`.{SEG_CLASS}[data-seg="${{n}}"]`).forEach((el) => {{
      let pane = el.closest(".{PANE_CLASS}");  // the outermost one is the scrolling box
      while (pane && pane.parentElement && pane.parentElement.closest(".{PANE_CLASS}")) {{
        pane = pane.parentElement.closest(".{PANE_CLASS}");
      }}
      if (el === seg || !pane) return;
      const offset = el.getBoundingClientRect().top - pane.getBoundingClientRect().top;
      pane.scrollBy({{ top: offset - pane.clientHeight / 3, behavior: "smooth" }});
    }});
  }});
}})();
</script>
"""
