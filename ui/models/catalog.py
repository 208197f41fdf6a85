"""The models a configuration uses (or every registered one), and their state on this machine."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from passerelle.translate import InvalidOptionError, ModelNotAvailableError
from passerelle.translate.engine import REGISTRY, resolve_model
from passerelle.translate.engine.convert import conversion_dir, is_converted
from passerelle.translate.engine.hub import cached_snapshot

from ..config import AppConfig

ROLES = {"model": "translation", "summary_model": "summary", "summary_translation_model": "summary (French)"}
QUANTIZATION = "int8"


@dataclass(frozen=True)
class ModelEntry:
    role: str
    name: str  # as configured
    location: str  # hub id or directory
    local: bool  # a directory rather than a hub model
    present: bool  # its files are on this machine
    files: Path | None
    revision: str | None  # the cached snapshot's commit (hub models)
    size_bytes: int
    converted: Path | None  # the CTranslate2 int8 conversion, if made
    problem: str | None = None


def entries(config: AppConfig, everything: bool = False) -> list[ModelEntry]:
    """The configured models, then (``everything``) the rest of the registry."""
    wanted = [(role, getattr(config, field)) for field, role in ROLES.items()]
    if everything:
        configured = {name for _, name in wanted}
        wanted += [("alternative", name) for name in REGISTRY if name not in configured and REGISTRY[name].hub_id not in configured]
    return [_entry(role, name, config) for role, name in wanted]


def _entry(role: str, name: str, config: AppConfig) -> ModelEntry:
    try:
        ref = resolve_model(name)
    except (ModelNotAvailableError, InvalidOptionError) as error:
        return ModelEntry(role, name, name, True, False, None, None, 0, None, str(error).splitlines()[0])
    files = Path(ref.location) if ref.is_local else cached_snapshot(ref.location, ref.revision)
    converted = None
    if files is not None:
        target = conversion_dir(ref, QUANTIZATION, cache_dir=config.conversions_dir(), shortlist=shortlist_for(role, config))
        converted = target if is_converted(target) else None
    revision = None if ref.is_local or files is None else files.name
    return ModelEntry(role, name, ref.location, ref.is_local, files is not None, files, revision, _size(files), converted)


def shortlist_for(role: str, config: AppConfig) -> Path | None:
    """The vocabulary shortlist converted into the model of ``role`` (the translation one's)."""
    return Path(config.shortlist).expanduser() if config.shortlist and role == ROLES["model"] else None


def _size(directory: Path | None) -> int:
    """Bytes of the model's files (a hub snapshot's links followed to their blobs)."""
    if directory is None:
        return 0
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())


def _human(size: int) -> str:
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def render(models: list[ModelEntry]) -> str:
    """A plain table: one model per line, then where its files are."""
    lines = []
    for entry in models:
        state = "downloaded" if entry.present and not entry.local else "local directory" if entry.present else "missing"
        converted = "converted" if entry.converted else "not converted"
        revision = f" @{entry.revision[:10]}" if entry.revision else ""
        lines.append(f"{entry.role:<18} {entry.name}{revision}: {state}, {_human(entry.size_bytes)}, {converted}")
        if entry.files is not None:
            lines.append(f"{'':<18}   files: {entry.files}")
        if entry.converted is not None:
            lines.append(f"{'':<18}   CTranslate2 {QUANTIZATION}: {entry.converted}")
        if entry.problem:
            lines.append(f"{'':<18}   {entry.problem}")
    return "\n".join(lines)
