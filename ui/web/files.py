"""Uploaded files: read each one as the batch script would, offer them in a picker, say what
is wrong with the ones that cannot be used, and keep each one's result, so the page can show
any of them again, say which one it shows and how each one stands, and zip them all.

The uploads live in one session value (``Uploads``): the files, the one shown, and the
results of those translated. Adding or clearing files clears the results on screen."""

from __future__ import annotations

import uuid
import zipfile
from pathlib import Path
from typing import Any

import gradio as gr

from passerelle.translate.languages import Language, other

from ..article import ArticleInputError, read_article_file
from ..config import AppConfig
from .headline import Heading
from .options import DIRECTIONS
from .render import FileLine, FileState, Progress, ProgressState
from .scratch import Scratch
from .view import Frame, PageView, download_labels, hidden

Loaded = dict[str, str]  # an uploaded file: its name, its text, where it is (to read its form again)
Uploads = dict[str, Any]  # {"shown": name, "files": {name: Loaded}, "results": {name: Stored}}
Stored = dict[str, Any]  # one file's result as the page shows it (see ``stored_result``)
ZIP_NAME = "passerelle-translations.zip"


def uploads_of(files: dict[str, Loaded], shown: str | None) -> Uploads:
    return {"shown": shown, "files": files, "results": {}}


def shown_file(uploads: Uploads | None, text: str | None) -> Loaded | None:
    """The uploaded file whose text the box still holds (else the box's text is an article of
    its own)."""
    if not uploads:
        return None
    loaded = uploads["files"].get(uploads.get("shown"))
    return loaded if loaded and loaded.get("text") == text else None


def file_lines(uploads: Uploads, translating: str | None = None) -> list[FileLine]:
    """Each uploaded file's line in the status."""
    lines = []
    for name in uploads["files"]:
        stored = uploads["results"].get(name)
        state = FileState(stored["state"]) if stored else FileState.WAITING
        state = FileState.TRANSLATING if name == translating else state
        detail = stored["detail"] if stored and name != translating else ""
        lines.append(FileLine(name, state, detail, shown=name == (translating or uploads.get("shown"))))
    return lines


def stored_result(view: PageView, state: FileState, detail: str, files: tuple[Path, Path, Path | None] | None) -> Stored:
    """What the page needs to show a file's result again (panes, downloads, direction)."""
    return {
        "state": state.value,
        "detail": detail,
        "panes": [view.original, view.translation, view.summary],
        "files": [str(path) if path else None for path in files] if files else None,
        "chosen": view.heading.chosen,
        "used": view.heading.used,
        "warnings": view.warnings,
        "notes": view.notes,
        "errors": view.errors,
    }


def ready_line(uploads: Uploads) -> Progress:
    """The status before a run, once files are in."""
    names = list(uploads["files"])
    if len(names) == 1:
        return Progress(f"{names[0]} is in the box: press Translate.", state=ProgressState.IDLE)
    return Progress(f"{len(names)} articles: Translate translates them all, one after another.", state=ProgressState.IDLE)


def view_of(uploads: Uploads, source: str) -> PageView:
    """The page showing the uploads' shown file: its result if it has one, else empty panes."""
    name = uploads.get("shown")
    stored = uploads["results"].get(name) if name else None
    view = PageView(heading=Heading(source), files=file_lines(uploads), progress=ready_line(uploads))
    if stored is None:  # what was said of the files when they came
        view.notes, view.errors = list(uploads.get("notes", [])), list(uploads.get("errors", []))
        return view
    view.heading = Heading(stored["chosen"], stored["used"])
    view.original, view.translation, view.summary = stored["panes"]
    view.warnings, view.notes, view.errors = stored["warnings"], stored["notes"], stored["errors"]
    if stored["files"]:
        used: Language = "en" if stored["used"] == "en" else "fr"
        markdown, data, own = stored["files"]
        labels = download_labels(other(used), Path(own).suffix if own else None)
        view.downloads = (
            gr.update(value=markdown, visible=True, label=labels[0]),
            gr.update(value=data, visible=True, label=labels[1]),
            gr.update(value=own, visible=True, label=labels[2]) if own else hidden(),
        )
    view.zip = zip_button(uploads)
    return view


def zip_button(uploads: Uploads) -> Any:
    path = uploads.get("zip")
    return gr.update(value=path, visible=True) if path else hidden()


def zip_results(scratch: Scratch, uploads: Uploads) -> str | None:
    """Every translated file's results in one zip, in a folder of their own per file (two
    uploads may share a stem); None when nothing was translated."""
    done = [(name, stored) for name, stored in uploads["results"].items() if stored["files"]]
    if not done:
        return None
    directory = scratch.gradio / uuid.uuid4().hex  # Gradio serves it from there (see Scratch)
    directory.mkdir(mode=0o700)
    path = directory / ZIP_NAME
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, (name, stored) in enumerate(done, 1):
            folder = f"{number:02d}-{Path(name).name}"
            for file in dict.fromkeys(file for file in stored["files"] if file):  # a Markdown input's own form is its .md
                archive.write(file, f"{folder}/{Path(file).name}")
    return str(path)


class FileHandlers:
    """The upload, clear and pick events of the page; each sends the whole view, then the
    uploads, the picker and the text box."""

    def __init__(self, config: AppConfig) -> None:
        self.config = config

    def load(self, paths: list[str] | None, direction: str = "", article_only: bool = False) -> Frame:
        """Uploaded files → the article picker, the first article in the text box, each file's
        state; the previous results leave the screen."""
        if not paths:
            return self.clear(direction)
        if len(paths) > self.config.max_files:
            message = f"{len(paths)} files is more than the limit of {self.config.max_files}; upload fewer at once."
            return (*PageView(heading=Heading(chosen(direction)), errors=[message]).frame(), None, _hidden_picker(), gr.skip())
        texts: dict[str, Loaded] = {}
        errors: list[str] = []
        notes: list[str] = []
        for raw in paths:
            path = Path(raw)
            name = _unique(path.name, texts)
            if path.suffix.lower() not in self.config.extensions:
                errors.append(f"{path.name}: not a supported file type ({', '.join(self.config.extensions)})")
                continue
            try:
                article = read_article_file(path, self.config.max_file_bytes, self.config.max_chars, article_only)
            except ArticleInputError as error:
                errors.append(str(error).replace(str(path), path.name))
                continue
            texts[name] = {"name": name, "text": article.text, "path": str(path)}
            notes += [f"{name}: {note}" for note in article.notes]
        if not texts:
            return (*PageView(heading=Heading(chosen(direction)), errors=errors, notes=notes).frame(), None, _hidden_picker(), gr.skip())
        first = next(iter(texts))
        uploads = {**uploads_of(texts, first), "notes": notes, "errors": errors}
        view = view_of(uploads, chosen(direction))
        picker = gr.update(choices=list(texts), value=first, visible=len(texts) > 1)
        return (*view.frame(), uploads, picker, texts[first]["text"])

    def clear(self, direction: str = "") -> Frame:
        return (*PageView(heading=Heading(chosen(direction))).frame(), None, _hidden_picker(), gr.skip())

    def pick(self, name: str | None, uploads: Uploads | None, direction: str = "") -> Frame:
        """Another uploaded file: its text in the box, its result (if any) in the panes."""
        if not name or not uploads or name not in uploads["files"]:
            return (*(gr.skip(),) * 13, gr.skip(), gr.skip(), gr.skip())
        uploads = {**uploads, "shown": name}
        return (*view_of(uploads, chosen(direction)).frame(), uploads, gr.skip(), uploads["files"][name]["text"])


def chosen(direction: str) -> str:
    """The language a Direction label translates from ("auto": detected)."""
    return DIRECTIONS.get(direction, "fr")


def _hidden_picker() -> Any:
    return gr.update(choices=[], value=None, visible=False)


def _unique(name: str, taken: dict[str, Loaded]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} ({n})", n + 1
    return candidate
