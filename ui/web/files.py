"""Uploaded files: read each one as the batch script would, offer them in a picker, and say
what is wrong with the ones that cannot be used."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from ..article import ArticleInputError, read_article_file
from ..config import AppConfig
from .render import idle_status

Outputs = tuple[Any, ...]  # picker, text box, files state, loaded-file state, status line
Loaded = dict[str, str]  # an uploaded file: its name, its text, where it is (to read its form again)


class FileHandlers:
    """The upload, clear and pick events of the page."""

    def __init__(self, config: AppConfig) -> None:
        self.config = config

    def load(self, paths: list[str] | None) -> Outputs:
        """Uploaded files → the article picker, the first article in the text box, notes."""
        if not paths:
            return self.clear()
        if len(paths) > self.config.max_files:
            message = f"{len(paths)} files is more than the limit of {self.config.max_files}; upload fewer at once."
            return _hidden_picker(), gr.skip(), {}, None, idle_status(errors=[message])
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
                article = read_article_file(path, self.config.max_file_bytes, self.config.max_chars)
            except ArticleInputError as error:
                errors.append(str(error).replace(str(path), path.name))
                continue
            texts[name] = {"name": name, "text": article.text, "path": str(path)}
            notes += [f"{name}: {note}" for note in article.notes]
        status = idle_status(errors=errors, notes=notes)
        if not texts:
            return _hidden_picker(), gr.skip(), {}, None, status
        first = next(iter(texts))
        picker = gr.update(choices=list(texts), value=first, visible=len(texts) > 1)
        return picker, texts[first]["text"], texts, texts[first], status

    def clear(self) -> Outputs:
        return _hidden_picker(), gr.skip(), {}, None, idle_status()

    def pick(self, name: str | None, texts: dict[str, Loaded]) -> tuple[Any, Any]:
        if not name or name not in texts:
            return gr.skip(), None
        return texts[name]["text"], texts[name]


def _hidden_picker() -> Any:
    return gr.update(choices=[], value=None, visible=False)


def _unique(name: str, taken: dict[str, Loaded]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} ({n})", n + 1
    return candidate
