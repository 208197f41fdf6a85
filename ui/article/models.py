"""The models a process uses, each loaded once on first use and shared by every request, with
their state for whoever asks (the page's status line, readiness probes). A model that failed to
load is not tried again on every request: the same clear error is given until
``model_retry_seconds`` have passed."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from passerelle.translate import LoadSettings, ModelNotAvailableError, PasserelleError, Translator, TranslatorSettings
from passerelle.translate.languages import Language

from ..config import AppConfig, model_setting
from .gate import FairGate
from .language import guess_language

if TYPE_CHECKING:
    from passerelle.summarize import Summarizer

logger = logging.getLogger("passerelle.ui")

T = TypeVar("T")
_PENDING: Any = object()  # a Summarizer's translator until the shared one is loaded
# What a translator translates once loaded: one word, one new token (its own options, so its
# cache never serves it to an article).
WARM_TEXTS: dict[Language, str] = {"fr": "Bonjour.", "en": "Hello."}
WARM_GENERATION = {"num_beams": 1, "min_new_tokens": 0, "max_new_tokens": 1}


class StoppingError(PasserelleError):
    """The process is stopping: work still running is dropped."""

    http_status = 503


class ModelState(StrEnum):
    WAITING = "waiting"  # not asked for yet
    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True)
class ModelStatus:
    state: ModelState
    detail: str = ""  # what is loaded, or why it failed


class LazyModel(Generic[T]):
    """One model, loaded on first use, once; its failure remembered for ``retry_after`` seconds."""

    def __init__(self, load: Callable[[], T], describe: Callable[[T], str], retry_after: float) -> None:
        self._load = load
        self._describe = describe
        self._retry_after = retry_after
        self._lock = threading.Lock()
        self.value: T | None = None
        self.status = ModelStatus(ModelState.WAITING)
        self._error: PasserelleError | None = None
        self._failed_at = 0.0

    def get(self) -> T:
        with self._lock:
            if self.value is not None:
                return self.value
            if self._error is not None and time.monotonic() - self._failed_at < self._retry_after:
                raise self._error
            self.status = ModelStatus(ModelState.LOADING)
            try:
                self.value = self._load()
            except PasserelleError as error:  # its caller reports it (the warm-up logs it)
                self._error, self._failed_at = error, time.monotonic()
                self.status = ModelStatus(ModelState.FAILED, str(error))
                raise
            except Exception as error:  # not foreseen: shown as failed, tried again next time
                self.status = ModelStatus(ModelState.FAILED, f"{type(error).__name__}: {error}")
                raise
            self._error = None
            self.status = ModelStatus(ModelState.READY, self._describe(self.value))
            return self.value


def _pointing_at(config_field: str, load: Callable[[], T]) -> T:
    """``load()``, its missing-model error telling which option and variable choose the model."""
    try:
        return load()
    except ModelNotAvailableError as error:
        raise error.for_setting(model_setting(config_field)) from error


class LoadedModels:
    """The process's models, each loaded once on first use (or by the warm-up): the
    French→English translator, the English→French one, and the summariser (which uses the
    latter for its French version); and the gate every front end takes its turn at."""

    def __init__(self, config: AppConfig) -> None:
        self.config = config
        retry = config.model_retry_seconds
        self._french_english = LazyModel(lambda: self._load_translator("model", "fr"), _describe_translator, retry)
        self._english_french = LazyModel(lambda: self._load_translator("summary_translation_model", "en"), _describe_translator, retry)
        self._summarizer: LazyModel[Summarizer] = LazyModel(self._load_summarizer, lambda s: s.model_name, retry)
        self._closing = threading.Event()
        self._warm_lock = threading.Lock()
        self._warming: threading.Thread | None = None
        # Every front end of the process takes its turn here (the page, each API client).
        self.gate = FairGate(config.concurrency_limit, config.max_queue)

    def translator(self, source: Language = "fr") -> Translator:
        """The translator reading ``source`` (French → English, or English → French)."""
        return (self._french_english if source == "fr" else self._english_french).get()

    def summarizer(self) -> Summarizer:
        return self._summarizer.get()

    def translator_loaded(self, source: str = "fr") -> bool:
        """Whether the translator reading ``source`` is loaded ("auto": both)."""
        slots = {"fr": [self._french_english], "en": [self._english_french]}.get(source, [self._french_english, self._english_french])
        return all(slot.value is not None for slot in slots)

    def status(self) -> dict[str, ModelStatus]:
        """Each model's state, for the page's status line and the readiness probe."""
        summary = self._summarizer.status
        if summary.state == ModelState.WAITING and self._english_french.status.state == ModelState.FAILED:
            summary = self._english_french.status
        return {"translation": self._french_english.status, "summary": summary}

    def translator_status(self, source: Language) -> ModelStatus:
        """The state of the model that translates from ``source`` (the page's model line
        shows the one of the direction used)."""
        return (self._french_english if source == "fr" else self._english_french).status

    def ready(self, summarize: bool = True) -> bool:
        wanted = ("translation", "summary") if summarize else ("translation",)
        return all(self.status()[name].state == ModelState.READY for name in wanted)

    def start_warm_up(self, summarize: bool = True) -> None:
        """``warm_up`` in the background (once per process: later calls do nothing), so the
        models load while the rest of the program starts."""
        with self._warm_lock:
            if self._warming is None:
                self._warming = threading.Thread(target=self.warm_up, args=(summarize,), name="passerelle-warm-up", daemon=True)
                self._warming.start()

    def wait_warm_up(self, timeout: float | None = None) -> bool:
        """Wait for a background warm-up to end; False if it is still loading after ``timeout``."""
        thread = self._warming
        if thread is not None:
            thread.join(timeout)
        return thread is None or not thread.is_alive()

    def warm_up(self, summarize: bool = True) -> None:
        """Load the models before the first request, side by side (the web app starts this in
        the background as the process starts); a missing model is logged now and reported
        again to whoever asks for it, any other failure is logged with its traceback."""
        slots: list[LazyModel[Any]] = [self._french_english, self._english_french, self._summarizer]
        loaders = [
            threading.Thread(target=self._warm, args=(slot,), name=f"passerelle-load-{number}", daemon=True)
            for number, slot in enumerate(slots if summarize else slots[:1])
        ]
        try:
            for thread in loaders:
                thread.start()
        except RuntimeError:
            if not self._closing.is_set():
                raise
            # The process is exiting under the load (Python refuses new threads then): the
            # models were not needed any more.
            logger.info("model loading abandoned: Passerelle is stopping")
            return
        guess_language(WARM_TEXTS["fr"])  # the language check's detector, loaded beside the models
        for thread in loaders:
            if thread.is_alive():
                thread.join()

    def _warm(self, slot: LazyModel[Any]) -> None:
        try:
            slot.get()
        except PasserelleError as error:  # nobody else to tell: in the log, and the page and the probes show it
            logger.error("%s", error)
        except Exception:
            if self._closing.is_set():
                logger.info("model loading abandoned: Passerelle is stopping")
            else:  # a bug or a broken file: in the log with its traceback, FAILED in the status
                logger.exception("a model failed to load")

    def close(self) -> None:
        """Say the process is stopping: a warm-up still loading ends quietly, and articles
        still running (their clients already told) stop at their next batch."""
        self._closing.set()

    def check_open(self) -> None:
        """StoppingError once ``close`` has been called."""
        if self._closing.is_set():
            raise StoppingError("Passerelle is stopping: this article was not finished.")

    def model_names(self, summarize: bool, source: Language = "fr") -> dict[str, str]:
        translator = self.translator(source)
        names = {"translation": translator.model_name, "backend": translator.engine.describe()}
        if summarize:
            names["summary"] = self.config.summary_model
            names["summary_translation"] = self.config.summary_translation_model
        return names

    def _load_translator(self, config_field: str, source: Language) -> Translator:
        """The Translator of the model named by ``config_field``, which reads ``source``."""
        config = self.config
        shortlist = config.shortlist if config_field == "model" else None  # the French→English model's only
        load = _load_settings(config, TranslatorSettings().workers, shortlist)
        translator = _pointing_at(config_field, lambda: Translator(
            getattr(config, config_field), load=load, backend=config.backend, source=source
        ))  # fmt: skip
        # One word through it before anyone can use it, so the first article does not pay the
        # one-off costs of a first run (sentence splitter, engine buffers).
        translator.translate(WARM_TEXTS[source], WARM_GENERATION)
        return translator

    def _load_summarizer(self) -> Summarizer:
        from passerelle.summarize import Summarizer, SummarizerSettings

        config = self.config
        settings = SummarizerSettings.for_speed(config.summary_speed)
        summarizer = _pointing_at("summary_model", lambda: Summarizer(
            config.summary_model,
            load=_load_settings(config, settings.workers),
            backend=config.backend,
            length=config.summary_length,
            settings=settings,
            translator=_PENDING,  # the shared one, below: it may be loading beside this
        ))  # fmt: skip
        summarizer.translator = self._english_french.get()
        return summarizer


def _describe_translator(translator: Translator) -> str:
    return f"{translator.model_name} ({translator.engine.describe()})"


def _load_settings(config: AppConfig, workers: int, shortlist: str | None = None) -> LoadSettings:
    """Where and how a model of these settings runs (``workers``: its own layout)."""
    return LoadSettings(
        device=config.device,
        threads=config.threads,
        workers=workers,
        cache_dir=config.conversions_dir(),
        shortlist=Path(shortlist).expanduser() if shortlist else None,
    )


class GivenModels(LoadedModels):
    """LoadedModels around models already loaded (the benchmark's, with fixed output lengths):
    the front ends' code paths on whatever models a caller built."""

    def __init__(self, config: AppConfig, french_english: Translator, summarizer: Summarizer) -> None:
        super().__init__(config)
        self._given_translator = french_english
        self._given_summarizer = summarizer

    def translator(self, source: Language = "fr") -> Translator:
        return self._given_translator if source == "fr" else self._given_summarizer.translator

    def summarizer(self) -> Summarizer:
        return self._given_summarizer

    def translator_loaded(self, source: str = "fr") -> bool:
        return True
