"""Everything below the form, as one value: the status line (progress, each uploaded file's
state, notices), the three panes with their titles, the download buttons, the header and the
"Translate the other way" button. Each handler that changes any of it (a run, an upload, a
pick) sends all of it, so nothing of an earlier article stays on screen by mistake (Gradio
only transmits what changed)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import gradio as gr

from passerelle.translate.languages import NAMES, Language, other

from .headline import Heading, direction_label, render_pane_title
from .render import (
    PLACEHOLDERS,
    FileLine,
    Progress,
    ProgressState,
    idle_status,
    render_file_states,
    render_notices,
    render_placeholder,
    render_progress,
)

# The order of the view's outputs (app.py lists the components the same way). The first seven
# are the Translate event's original outputs, which the benchmark reads by position.
VIEW_KEYS = (
    "status",
    "original",
    "translation",
    "summary",
    "markdown",
    "json",
    "own",
    "zip",
    "header",
    "title_original",
    "title_translation",
    "title_summary",
    "other_way",
)
Frame = tuple[Any, ...]
OTHER_WAY = "Translate the other way ({})"


def hidden() -> Any:
    return gr.update(visible=False)


def other_way_button(source: Language) -> Any:
    """The button that reruns a text the other way, labelled with that way."""
    return gr.update(visible=True, value=OTHER_WAY.format(direction_label(other(source))))


def download_labels(target: Language, own_suffix: str | None = None) -> tuple[str, str, str]:
    """The download buttons' labels, naming the language of the translation they hold."""
    name = NAMES[target]
    own = f"⬇ {own_suffix.lstrip('.').upper()} ({name})" if own_suffix else "⬇ File"
    return f"⬇ Markdown ({name})", f"⬇ JSON ({name})", own


@dataclass
class PageView:
    """The current value of every output below the form."""

    heading: Heading = field(default_factory=Heading)
    summarize: bool = True
    progress: Progress | None = None  # None: the idle line
    original: str = field(default_factory=lambda: render_placeholder(PLACEHOLDERS["original"]))
    translation: str = field(default_factory=lambda: render_placeholder(PLACEHOLDERS["translation"]))
    summary: str = ""
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    files: list[FileLine] = field(default_factory=list)
    downloads: tuple[Any, Any, Any] = field(default_factory=lambda: (hidden(), hidden(), hidden()))
    zip: Any = field(default_factory=hidden)
    other_way: Any = field(default_factory=hidden)
    prefix: str = ""  # before the progress line's label: which file of several is running
    source: str = ""  # above the original: the link an article was read from
    tail: tuple[Any, ...] = ()  # the handler's own outputs, after the view's

    def __post_init__(self) -> None:
        if not self.summary:
            self.clear_panes()

    def clear_panes(self, message: str | None = None) -> None:
        """Placeholders in the panes (``message`` in the translation's), no download."""
        self.original = render_placeholder(PLACEHOLDERS["original"])
        self.translation = render_placeholder(message or PLACEHOLDERS["translation"])
        idle = self.progress is None or self.progress.state == ProgressState.IDLE
        waiting = PLACEHOLDERS["summary"] if idle else "Waiting for the translation…"
        self.summary = render_placeholder(waiting if self.summarize else "No summary was requested.")
        self.downloads = (hidden(), hidden(), hidden())

    def update(self, **values: Any) -> Frame:
        for key, value in values.items():
            setattr(self, key, value)
        return self.frame()

    def status(self) -> str:
        notices = render_notices(self.warnings, self.notes, self.errors)
        files = render_file_states(self.files)
        if self.progress is None:
            return idle_status() + files + notices
        progress = self.progress
        if self.prefix and progress.state == ProgressState.RUNNING:
            progress = replace(progress, label=self.prefix + progress.label)
        return render_progress(progress) + files + notices

    def frame(self) -> Frame:
        titles = self.heading.pane_titles()
        return (
            self.status(),
            self.source + self.original,
            self.translation,
            self.summary,
            *self.downloads,
            self.zip,
            self.heading.header(),
            *(render_pane_title(titles[key]) for key in ("original", "translation", "summary")),
            self.other_way,
            *self.tail,
        )

    def failed(self, message: str) -> Frame:
        self.errors = [message]
        return self.update(progress=Progress(message.splitlines()[0], state=ProgressState.ERROR))
