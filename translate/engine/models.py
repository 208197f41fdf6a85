"""Where models come from: short names, hub ids or local directories, what their files say
(positions, special ids, shipped decoding defaults), and the one clear error when the weights
are not there."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..errors import InvalidOptionError, ModelNotAvailableError
from . import hub
from .config_json import read_model_json
from .model_files import model_directory
from .native_tokenizer import load_native_tokenizer
from .options import GenerationOptions

logger = logging.getLogger("passerelle.translate")

Task = Literal["translation", "summarization"]
# transformers is not thread-safe to import lazily nor to load with (its meta-device init
# leaks across threads): whatever goes through it, when models load side by side (the web
# app's warm-up), takes turns, conversions included. The native CTranslate2 path never does.
FROM_PRETRAINED_LOCK = threading.RLock()


@dataclass(frozen=True)
class ModelSpec:
    """A registered model: its hub id and the revision we tested against (None: newest)."""

    hub_id: str
    revision: str | None = None
    task: Task = "translation"


# Mirrored in models.md; keep the two in step.
REGISTRY: dict[str, ModelSpec] = {
    "opus-mt-fr-en": ModelSpec("Helsinki-NLP/opus-mt-fr-en"),
    "opus-mt-en-fr": ModelSpec("Helsinki-NLP/opus-mt-en-fr"),
    "opus-mt-tc-big-fr-en": ModelSpec("Helsinki-NLP/opus-mt-tc-big-fr-en"),
    "distilbart-cnn-12-6": ModelSpec("sshleifer/distilbart-cnn-12-6", task="summarization"),
    "distilbart-cnn-12-3": ModelSpec("sshleifer/distilbart-cnn-12-3", task="summarization"),
    "distilbart-cnn-6-6": ModelSpec("sshleifer/distilbart-cnn-6-6", task="summarization"),
    "bart-large-cnn": ModelSpec("facebook/bart-large-cnn", task="summarization"),
}
DEFAULT_MAX_POSITIONS = 512


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
        raise InvalidOptionError(f"A model must be a hub id, a local directory or one of {sorted(REGISTRY)}")
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
    offline = hub.offline()
    if ref.is_local:
        reason = f"the directory {ref.location} does not hold a complete model ({error})"
    elif offline:
        reason = "it is not in the local Hugging Face cache and HF_HUB_OFFLINE is set"
    else:
        reason = f"it is not in the local cache and could not be downloaded ({type(error).__name__}: {error})"
    return ModelNotAvailableError(ref.name, reason, hub_id=None if ref.is_local else ref.location)


def hub_kwargs(ref: ModelRef) -> dict[str, Any]:
    """``from_pretrained`` arguments for ``ref``: its revision, and for a hub model either
    "local files only" (it is cached) or the fast, clear failure of an unreachable hub."""
    if ref.is_local:
        return {"revision": ref.revision} if ref.revision else {}
    return hub.load_kwargs(ref.name, ref.location, ref.revision)


def load_tokenizer(ref: ModelRef, native: bool = False) -> Any:
    """The model's own tokenizer, or ModelNotAvailableError.

    ``native`` asks for the one that runs without transformers (SentencePiece or
    ``tokenizers`` directly, same ids and text) when the model's files are on disk and it
    reproduces them; the CTranslate2 path asks for it so that torch is never imported.
    """
    if native:
        directory = model_directory(ref)
        tokenizer = load_native_tokenizer(directory) if directory is not None else None
        if tokenizer is not None:
            return tokenizer
    try:
        with FROM_PRETRAINED_LOCK:
            from transformers import AutoTokenizer

            return AutoTokenizer.from_pretrained(ref.location, **hub_kwargs(ref))
    except (OSError, ValueError) as error:
        raise not_available_error(ref, error) from error


def load_seq2seq_model(ref: ModelRef, device: str) -> Any:
    """The transformers model in eval mode on ``device``, or ModelNotAvailableError."""
    try:
        with FROM_PRETRAINED_LOCK:
            from transformers import AutoModelForSeq2SeqLM

            model = AutoModelForSeq2SeqLM.from_pretrained(ref.location, **hub_kwargs(ref))
    except (OSError, ValueError) as error:
        raise not_available_error(ref, error) from error
    model.eval()
    return model.to(device)


def ensure_available(ref: ModelRef) -> None:
    """ModelNotAvailableError unless the model's config can be had: on disk it is only looked
    at (no transformers import); otherwise transformers fetches it, with its clear errors."""
    if model_directory(ref) is None:
        load_config(ref)


def load_config(ref: ModelRef) -> Any:
    """The model's configuration (small download), or ModelNotAvailableError."""
    try:
        with FROM_PRETRAINED_LOCK:
            from transformers import AutoConfig

            return AutoConfig.from_pretrained(ref.location, **hub_kwargs(ref))
    except (OSError, ValueError) as error:
        raise not_available_error(ref, error) from error


@dataclass(frozen=True)
class ModelInfo:
    """What a model's small files say, read once and shared by the engine and its backend.

    ``generation`` is the GenerationConfig ``model.generate`` would use: the shipped
    ``generation_config.json``, else one derived from ``config.json`` (``shipped`` False).
    Both are transformers objects, or for MarianMT and BART on disk ``JsonView``s of the same
    files with the same values (read without importing transformers).
    """

    ref: ModelRef
    config: Any
    generation: Any
    shipped: bool

    @classmethod
    def load(cls, ref: ModelRef) -> ModelInfo:
        """From the JSON files when they are on disk and say all that is needed (no
        transformers import, see ``config_json``), else through transformers."""
        directory = model_directory(ref)
        from_json = read_model_json(directory) if directory is not None else None
        if from_json is not None:
            config, generation, shipped = from_json
            if not shipped:
                logger.info("%s ships no generation_config.json; using library defaults", ref.describe())
            return cls(ref, config, generation, shipped)
        config = load_config(ref)  # the clear "not available" error comes from here
        with FROM_PRETRAINED_LOCK:
            from transformers import GenerationConfig

            try:
                return cls(ref, config, GenerationConfig.from_pretrained(ref.location, **hub_kwargs(ref)), True)
            except (OSError, ValueError):
                logger.info("%s ships no generation_config.json; using library defaults", ref.describe())
                return cls(ref, config, GenerationConfig.from_model_config(config), False)

    @property
    def max_positions(self) -> int:
        return int(getattr(self.config, "max_position_embeddings", DEFAULT_MAX_POSITIONS))

    @property
    def eos_token_id(self) -> int:
        return int(self.config.eos_token_id)

    @property
    def pad_token_id(self) -> int:
        return int(self.config.pad_token_id)

    @property
    def decoder_start_token_id(self) -> int:
        return int(getattr(self.config, "decoder_start_token_id", None) or self.pad_token_id)

    @property
    def defaults(self) -> GenerationOptions:
        """The shipped decoding defaults (greedy when the model ships none)."""
        generation = self.generation
        if not self.shipped:
            return GenerationOptions(num_beams=1)
        return GenerationOptions(
            num_beams=generation.num_beams or 1,
            min_new_tokens=generation.min_new_tokens,
            length_penalty=generation.length_penalty,
            no_repeat_ngram_size=generation.no_repeat_ngram_size or None,
            repetition_penalty=generation.repetition_penalty if generation.repetition_penalty != 1.0 else None,
        )

    @property
    def length_bounds(self) -> tuple[int | None, int | None]:
        """The shipped (min_length, max_length), counting the decoder start; None when not shipped."""
        if not self.shipped:
            return None, None
        return self.generation.min_length or 0, self.generation.max_length

    @property
    def early_stopping(self) -> Any:
        return self.generation.early_stopping if self.shipped else True

    @property
    def bad_words_ids(self) -> list[list[int]]:
        return list(getattr(self.generation, "bad_words_ids", None) or [])

    @property
    def forced_bos_token_id(self) -> int | None:
        return getattr(self.generation, "forced_bos_token_id", None)


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
