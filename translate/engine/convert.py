"""Convert a transformers seq2seq model (MarianMT, BART, ...) to CTranslate2, once.

Conversion loads the full PyTorch model and takes from seconds to minutes, so its result is
cached on disk, keyed by where the model comes from, which version of it, the
quantisation and the vocabulary shortlist embedded in it, if any (``shortlist``). Writers convert into a private temporary directory and rename it into place,
so readers never see a half-written model and concurrent converters cannot corrupt it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ..errors import InvalidOptionError
from . import hub
from .models import FROM_PRETRAINED_LOCK, ModelRef, ensure_available, hub_kwargs, not_available_error
from .shortlist import check_shortlist_file, shortlist_digest

logger = logging.getLogger("passerelle.translate")

# Under $XDG_CACHE_HOME (the platform's cache directory, ~/.cache unless set).
CACHE_SUBDIR = Path("passerelle") / "ct2"
# Weight quantisations the CTranslate2 converter accepts.
QUANTIZATIONS = (
    "int8",
    "int8_float32",
    "int8_float16",
    "int8_bfloat16",
    "int16",
    "float16",
    "bfloat16",
    "float32",
)
# Written last into a finished conversion: a directory without it is not a usable model.
MARKER_FILE = "passerelle.json"
TEMP_PREFIX = ".tmp-"
CONFIG_FILE = "config.json"
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".h5", ".msgpack", ".ckpt")
# Copied next to the converted weights so the directory documents itself; Passerelle still
# loads the tokenizer and decoding defaults from the original model.
COPIED_FILES = (
    "generation_config.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "tokenizer.json",
    "vocab.json",
    "merges.txt",
    "source.spm",
    "target.spm",
)
# Layer-norm flags of BART-era configs that transformers 5 no longer saves but that the
# CTranslate2 4.x BART loader reads (``config.normalize_before``). False is BART's value.
LEGACY_CONFIG_DEFAULTS = {"normalize_before": False, "add_final_layer_norm": False}
FINGERPRINT_CHARS = 16
VMAP_TAG = "vmap"  # in the directory name of a conversion with a vocabulary map
SLUG_CHARS = 60
# transformers' from_pretrained is not thread-safe, so conversions in one process run one at
# a time, and not beside a transformers model's load; processes rely on the rename.
_CONVERSION_LOCK = FROM_PRETRAINED_LOCK


def cache_root(cache_dir: Path | None = None) -> Path:
    """Where conversions live: ``cache_dir``, else the platform's cache directory
    ($XDG_CACHE_HOME or ~/.cache) under passerelle/ct2. The command-line tools pass
    $PASSERELLE_CACHE_DIR/ct2 when it is set."""
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or "~/.cache").expanduser() / CACHE_SUBDIR


def conversion_dir(ref: ModelRef, quantization: str, *, cache_dir: Path | None = None, shortlist: Path | None = None) -> Path:
    """The cache directory for ``ref`` at ``quantization``, with the vocabulary map
    ``shortlist`` embedded (keyed by its content), or none (it may not exist yet)."""
    _check_quantization(quantization)
    key = {"location": ref.location, "version": _source_version(ref), "quantization": quantization}
    if shortlist is not None:
        key["shortlist"] = shortlist_digest(shortlist)
    identity = json.dumps(key, sort_keys=True)
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:FINGERPRINT_CHARS]
    slug = re.sub(r"[^A-Za-z0-9._-]+", "--", ref.location.strip("/"))[-SLUG_CHARS:]
    suffix = f"{quantization}-{VMAP_TAG}" if shortlist is not None else quantization
    return cache_root(cache_dir) / f"{slug}-{suffix}-{digest}"


def is_converted(directory: Path) -> bool:
    """True when ``directory`` holds a finished conversion."""
    return (directory / MARKER_FILE).is_file()


def convert_model(
    ref: ModelRef,
    quantization: str = "int8",
    *,
    cache_dir: Path | None = None,
    force: bool = False,
    shortlist: Path | str | None = None,
) -> Path:
    """The CTranslate2 directory for ``ref``, converting it only when not cached yet;
    ``shortlist`` is a vocabulary map (``passerelle shortlist build``) to embed in it.

    Raises ModelNotAvailableError when the model's files are missing, like ``models.py``.
    """
    _check_quantization(quantization)
    ensure_available(ref)  # the clear "not available" error before anything heavy happens
    vmap = check_shortlist_file(shortlist) if shortlist is not None else None
    target = conversion_dir(ref, quantization, cache_dir=cache_dir, shortlist=vmap)
    if is_converted(target) and not force:
        logger.debug("Using the cached CTranslate2 model %s", target)
        return target
    _check_weights(ref)
    with _CONVERSION_LOCK:
        if is_converted(target) and not force:  # another thread finished it meanwhile
            return target
        _convert_and_publish(ref, quantization, target, vmap, force=force)
    return target


def _convert_and_publish(ref: ModelRef, quantization: str, target: Path, vmap: Path | None, *, force: bool) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    logger.info("Converting %s to CTranslate2 %s (once; cached in %s)", ref.describe(), quantization, target)
    staging = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{target.name}-", dir=target.parent))
    try:
        _convert_into(ref, quantization, staging / "model", vmap)
        _publish(staging / "model", target, replace_existing=force)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_quantization(quantization: str) -> None:
    if quantization not in QUANTIZATIONS:
        raise InvalidOptionError(f"quantization must be one of {list(QUANTIZATIONS)}, got {quantization!r}")


def _source_version(ref: ModelRef) -> str:
    """What identifies the exact weights: file stats for a directory, else the hub revision.

    For a hub id the snapshot commit is used when the model is already in the local cache,
    so that a newer download of "main" gets a new conversion.
    """
    if ref.is_local:
        return _directory_fingerprint(Path(ref.location))
    commit = _cached_hub_commit(ref)
    return commit or ref.revision or "default"


def _directory_fingerprint(directory: Path) -> str:
    digest = hashlib.sha256()
    config = directory / CONFIG_FILE
    if config.is_file():
        digest.update(config.read_bytes())
    for path in _weight_files(directory):
        stat = path.stat()
        digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def _weight_files(directory: Path) -> list[Path]:
    return sorted(path for path in directory.iterdir() if path.is_file() and path.name.endswith(WEIGHT_SUFFIXES))


def _cached_hub_commit(ref: ModelRef) -> str | None:
    """The commit of the locally cached snapshot holding ``ref``, if any."""
    snapshot = hub.cached_snapshot(ref.location, ref.revision)
    return snapshot.name if snapshot is not None else None  # .../snapshots/<commit>


def _check_weights(ref: ModelRef) -> None:
    """A local directory with a config but no weights fails here, with the usual error."""
    if ref.is_local and not _weight_files(Path(ref.location)):
        raise not_available_error(ref, FileNotFoundError("no weight file (*.safetensors, *.bin) found"))


def _convert_into(ref: ModelRef, quantization: str, output_dir: Path, vmap: Path | None = None) -> None:
    converter = _make_converter(ref)
    try:
        converter.convert(str(output_dir), quantization=quantization, vmap=str(vmap) if vmap else None)
    except OSError as error:  # from_pretrained could not find or download the weights
        raise not_available_error(ref, error) from error
    _copy_model_files(ref, output_dir)
    marker = {
        "source": ref.location,
        "revision": ref.revision,
        "version": _source_version(ref),
        "quantization": quantization,
        "shortlist": shortlist_digest(vmap) if vmap else None,
        "ctranslate2": _ctranslate2_version(),
    }
    (output_dir / MARKER_FILE).write_text(json.dumps(marker, indent=2), encoding="utf-8")


def _ctranslate2_version() -> str:
    import ctranslate2

    return str(ctranslate2.__version__)


def _make_converter(ref: ModelRef) -> Any:
    """A TransformersConverter that tolerates transformers-5 BART configs.

    The converter's ``load_model`` hook is the one place where the loaded model's config can
    be completed before the BART loader reads it; no copy of the weights is needed.
    """
    from ctranslate2.converters import TransformersConverter

    class _Converter(TransformersConverter):
        def load_model(self, model_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            model = super().load_model(model_class, model_name_or_path, **kwargs)
            _add_legacy_config_fields(model.config)
            return model

    # A cached hub model is converted from its snapshot directory: no network call at all.
    snapshot = None if ref.is_local else hub.cached_snapshot(ref.location, ref.revision)
    if snapshot is not None:
        return _Converter(str(snapshot))
    return _Converter(ref.location, **{k: v for k, v in hub_kwargs(ref).items() if k == "revision"})


def _add_legacy_config_fields(config: Any) -> None:
    for name, value in LEGACY_CONFIG_DEFAULTS.items():
        if not hasattr(config, name):
            setattr(config, name, value)


def _copy_model_files(ref: ModelRef, output_dir: Path) -> None:
    for name in COPIED_FILES:
        source = _model_file(ref, name)
        if source is not None:
            shutil.copy2(source, output_dir / name)


def _model_file(ref: ModelRef, name: str) -> Path | None:
    """``name`` from the model's directory or local hub snapshot; never downloads."""
    directory = Path(ref.location) if ref.is_local else hub.cached_snapshot(ref.location, ref.revision)
    path = directory / name if directory is not None else None
    return path if path is not None and path.is_file() else None


def _publish(staged: Path, target: Path, *, replace_existing: bool) -> None:
    """Rename ``staged`` to ``target``; if another process won the race, keep its copy."""
    if target.exists() and (replace_existing or not is_converted(target)):
        _discard(target)
    try:
        os.replace(staged, target)
    except OSError as error:
        # rename(2) refuses to replace a non-empty directory: someone else published first.
        if not is_converted(target):
            raise RuntimeError(f"could not move the CTranslate2 model into {target}") from error
        logger.debug("Another process converted %s first; using its copy", target)


def _discard(directory: Path) -> None:
    """Move ``directory`` out of the way atomically, then delete it."""
    trash = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}old-", dir=directory.parent))
    os.replace(directory, trash / directory.name)
    shutil.rmtree(trash)
