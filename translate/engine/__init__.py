"""The one model engine: loading by hub id or path, tokens with ids kept, batch planning,
generation with guards, backends (CTranslate2, transformers) and conversion."""

from .backend import Backend, LoadSettings, Output
from .engine import Engine, Generated, RepetitionGuard, Request, has_degenerate_repetition
from .models import REGISTRY, ModelInfo, ModelRef, resolve_model
from .options import GenerationOptions
from .registry import BACKENDS, BackendName
from .tokens import Tokens

__all__ = [
    "BACKENDS",
    "Backend",
    "BackendName",
    "Engine",
    "Generated",
    "GenerationOptions",
    "LoadSettings",
    "ModelInfo",
    "ModelRef",
    "Output",
    "REGISTRY",
    "RepetitionGuard",
    "Request",
    "Tokens",
    "has_degenerate_repetition",
    "resolve_model",
]
