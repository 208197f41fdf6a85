"""Where models come from: short names, hub ids or local directories, and the one clear
error when the weights are not there."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import GenerationOptions
from .errors import InvalidOptionError, ModelNotAvailableError

logger = logging.getLogger("passerelle.translate")


@dataclass(frozen=True)
class ModelSpec:
    """A registered model: its hub id and the revision we tested against (None: newest)."""

    hub_id: str
    revision: str | None = None
    task: str = "translation"


# Mirrored in models.md; keep the two in step.
REGISTRY: dict[str, ModelSpec] = {
    "opus-mt-fr-en": ModelSpec("Helsinki-NLP/opus-mt-fr-en"),
    "opus-mt-en-fr": ModelSpec("Helsinki-NLP/opus-mt-en-fr"),
    "opus-mt-tc-big-fr-en": ModelSpec("Helsinki-NLP/opus-mt-tc-big-fr-en"),
    "distilbart-cnn-12-6": ModelSpec("sshleifer/distilbart-cnn-12-6", task="summarization"),
    "distilbart-cnn-6-6": ModelSpec("sshleifer/distilbart-cnn-6-6", task="summarization"),
    "bart-large-cnn": ModelSpec("facebook/bart-large-cnn", task="summarization"),
}


@dataclass(frozen=True)
class ModelRef:
    """A model resolved to something ``from_pretrained`` accepts."""

    name: str  # what the user asked for, for messages
    location: str  # hub id or local directory
    revision: str | None = None

    @property
    def is_local(self) -> bool:
        return Path(self.location).is_dir()

    def describe(self) -> str:
        suffix = f"@{self.revision}" if self.revision else ""
        return f"{self.location}{suffix}"


def resolve_model(name_or_path: str | os.PathLike[str], revision: str | None = None) -> ModelRef:
    """Turn a short name, hub id or directory into a ModelRef (no download happens here)."""
    text = os.fspath(name_or_path).strip()
    if not text:
        raise InvalidOptionError(
            f"A model must be a hub id, a local directory or one of {sorted(REGISTRY)}"
        )
    if text in REGISTRY:
        spec = REGISTRY[text]
        return ModelRef(text, spec.hub_id, revision or spec.revision)
    expanded = os.path.expanduser(text)
    if os.path.isdir(expanded):
        return ModelRef(text, str(Path(expanded).resolve()), revision)
    looks_like_path = text.startswith((".", "/", "~")) or os.sep in text.strip("/").replace("/", "", 1)
    if looks_like_path or os.path.exists(expanded):
        raise ModelNotAvailableError(text, f"{expanded} is not a directory with a saved model")
    return ModelRef(text, text, revision)


def not_available_error(ref: ModelRef, error: BaseException) -> ModelNotAvailableError:
    offline = os.environ.get("HF_HUB_OFFLINE", "") not in ("", "0")
    if ref.is_local:
        reason = f"the directory {ref.location} does not hold a complete model ({error})"
    elif offline:
        reason = "it is not in the local Hugging Face cache and HF_HUB_OFFLINE is set"
    else:
        reason = f"it is not in the local cache and could not be downloaded ({type(error).__name__}: {error})"
    return ModelNotAvailableError(ref.name, reason)


def hub_kwargs(ref: ModelRef) -> dict[str, Any]:
    return {"revision": ref.revision} if ref.revision else {}


def load_tokenizer(ref: ModelRef) -> Any:
    """The model's own tokenizer, or ModelNotAvailableError."""
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(ref.location, **hub_kwargs(ref))
    except (OSError, ValueError) as error:
        raise not_available_error(ref, error) from error


def load_seq2seq_model(ref: ModelRef, device: str) -> Any:
    """The transformers model in eval mode on ``device``, or ModelNotAvailableError."""
    from transformers import AutoModelForSeq2SeqLM

    try:
        model = AutoModelForSeq2SeqLM.from_pretrained(ref.location, **hub_kwargs(ref))
    except (OSError, ValueError) as error:
        raise not_available_error(ref, error) from error
    model.eval()
    return model.to(device)


def load_config(ref: ModelRef) -> Any:
    """The model's configuration (small download), or ModelNotAvailableError."""
    from transformers import AutoConfig

    try:
        return AutoConfig.from_pretrained(ref.location, **hub_kwargs(ref))
    except (OSError, ValueError) as error:
        raise not_available_error(ref, error) from error


def load_generation_defaults(ref: ModelRef) -> tuple[GenerationOptions, dict[str, Any]]:
    """The model's shipped decoding defaults, as options plus the raw extras (e.g. bad words)."""
    from transformers import GenerationConfig

    try:
        config = GenerationConfig.from_pretrained(ref.location, **hub_kwargs(ref))
    except (OSError, ValueError):
        logger.info("%s ships no generation_config.json; using library defaults", ref.describe())
        return GenerationOptions(num_beams=1), {}
    options = GenerationOptions(
        num_beams=config.num_beams or 1,
        min_new_tokens=config.min_new_tokens,
        length_penalty=config.length_penalty,
        no_repeat_ngram_size=config.no_repeat_ngram_size or None,
        repetition_penalty=config.repetition_penalty if config.repetition_penalty != 1.0 else None,
    )
    extras = {
        "min_length": config.min_length or 0,
        "max_length": config.max_length,
        "early_stopping": config.early_stopping,
        "bad_words_ids": config.bad_words_ids,
    }
    return options, extras


def resolve_device(device: str) -> str:
    """'auto' becomes 'cuda' when a GPU is usable, else 'cpu'; other values are checked."""
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cpu" or device.startswith("cuda"):
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise InvalidOptionError(f"device={device!r} was asked for but no CUDA GPU is available")
        return device
    raise InvalidOptionError(f"device must be 'auto', 'cpu' or 'cuda[:N]', got {device!r}")


def default_threads() -> int:
    """Every core, unless OMP_NUM_THREADS says otherwise (as torch does)."""
    configured = os.environ.get("OMP_NUM_THREADS", "")
    return int(configured) if configured.isdigit() and int(configured) > 0 else (os.cpu_count() or 1)


def configure_threads(threads: int) -> int:
    """Use ``threads`` CPU threads for torch; 0 keeps torch's default (every physical core,
    or OMP_NUM_THREADS when set). Returns the number in use."""
    import torch

    if threads > 0 and torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    return torch.get_num_threads()
