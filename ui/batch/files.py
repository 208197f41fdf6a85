"""A batch run's files on disk: atomic writes, the "done" mark that lets a rerun skip a file,
and the clean-up of what a killed run left behind.

A file's outputs are ``NAME.<target>.EXT`` (the translation, same layout: ``NAME.en.EXT`` for
French, ``NAME.fr.EXT`` for English), ``NAME.json`` (everything) and, with summaries,
``NAME.summary.md``. The JSON is written last: its presence, with the same input hash, direction
and settings, is what makes a rerun skip the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from passerelle.summarize import DEFAULT_SPEED
from passerelle.translate.languages import Language

from ..article import ArticleOptions, ArticleResult
from ..config import AppConfig
from .jobs import Job

PART_SUFFIX = ".part"
FILE_MODE = 0o666


def pid_alive(pid: int) -> bool:
    """True while process ``pid`` exists (also when it belongs to another user): only a dead
    process's leftovers (here, and the web server's temporary root) may be deleted."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _umask() -> int:
    """The process's umask (read by setting it, then setting it back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def job_key(data: bytes, config: AppConfig, options: ArticleOptions, source: Language = "fr") -> str:
    """What a finished output depends on: the input bytes, the direction (``source``, the
    language the input is read in, detected or given), the models and the options."""
    settings: dict[str, Any] = {
        "model": config.model if source == "fr" else config.summary_translation_model,
        "backend": config.backend,
        "options": [options.summarize, options.summary_length, options.num_beams],
        "summary_models": [config.summary_model, config.summary_translation_model] if options.summarize else None,
    }
    if options.summarize and config.summary_speed != DEFAULT_SPEED:  # its beams change the summary
        settings["summary_speed"] = config.summary_speed
    if options.article_only:  # likewise
        settings["article_only"] = True
    if options.glossary:  # only then: keys of runs without one stay as they were
        settings["glossary"] = options.glossary.fingerprint()
    if source != "fr":  # likewise: French inputs keep the keys of before the other direction
        settings["source"] = source
    digest = hashlib.sha256(data)
    digest.update(json.dumps(settings, sort_keys=True).encode())
    return digest.hexdigest()


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write ``text`` so that ``path`` is either absent, old, or complete: never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=PART_SUFFIX)
    try:
        os.chmod(temporary, FILE_MODE & ~_umask())  # as an ordinary write would (mkstemp makes 0600)
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8") if isinstance(text, str) else text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove_stale_parts(output_dir: Path) -> int:
    """Delete temporary files left by a run that was killed (its process is gone)."""
    removed = 0
    for part in output_dir.rglob(f".*{PART_SUFFIX}") if output_dir.is_dir() else ():
        match = re.search(r"\.(\d+)\.[^.]*" + re.escape(PART_SUFFIX) + "$", part.name)
        pid = int(match.group(1)) if match else None
        if pid is not None and pid != os.getpid() and not pid_alive(pid):
            part.unlink(missing_ok=True)
            removed += 1
    return removed


def already_done(job: Job, key: str) -> bool:
    try:
        previous = json.loads(job.json_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    outputs_present = job.translation_path.exists()
    return outputs_present and previous.get("job", {}).get("key") == key


def write_outputs(job: Job, result: ArticleResult, key: str, group: int = 1, record: dict[str, Any] | None = None) -> None:
    """Translation and summary first, the JSON (the "done" mark) last. ``group``: how many
    articles were made together (their timings are the group's, named so); ``record``: more
    for the JSON's ``job`` record (a link's page: its author and dates)."""
    write_atomic(job.translation_path, result.file.data if result.file is not None else result.translation.text)
    if result.summary is not None:
        write_atomic(job.summary_path, result.summary_markdown() + "\n")
    document = result.to_json()
    document["job"] = {"key": key, "input": job.name} | ({"group": group} if group > 1 else {}) | (record or {})
    write_atomic(job.json_path, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
