"""The backends by name; 'auto' prefers CTranslate2 and says why it could not."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Literal, get_args

from ..errors import InvalidOptionError
from .backend import Backend, LoadSettings
from .models import ModelInfo
from .tokens import Tokens

logger = logging.getLogger("passerelle.translate")

BackendName = Literal["auto", "ctranslate2", "transformers"]
BACKENDS: tuple[str, ...] = get_args(BackendName)
Factory = Callable[[ModelInfo, Tokens, LoadSettings], Backend]


def _transformers(info: ModelInfo, tokens: Tokens, settings: LoadSettings) -> Backend:
    from .transformers_backend import TransformersBackend

    return TransformersBackend(info, tokens, settings)


def _ctranslate2(info: ModelInfo, tokens: Tokens, settings: LoadSettings) -> Backend:
    from .ct2_backend import CTranslate2Backend

    return CTranslate2Backend(info, tokens, settings)


def _ctranslate2_available() -> bool:
    from .ct2_backend import ctranslate2_available

    return ctranslate2_available()


# Each engine is imported only when chosen: the transformers one pulls in torch.
FACTORIES: dict[str, Factory] = {"ctranslate2": _ctranslate2, "transformers": _transformers}


def resolve_backend(name: str) -> str:
    """The engine ``name`` stands for: 'auto' is CTranslate2 when it imports, else
    transformers. Known before anything is loaded, so the CTranslate2 path can load a
    tokenizer that needs no transformers."""
    if name not in BACKENDS:
        raise InvalidOptionError(f"backend must be one of {list(BACKENDS)}, got {name!r}")
    if name in ("auto", "ctranslate2"):
        if _ctranslate2_available():
            return "ctranslate2"
        if name == "ctranslate2":
            raise InvalidOptionError("backend='ctranslate2' needs the ctranslate2 package: pip install ctranslate2")
        logger.info("ctranslate2 is not installed; using the transformers backend")
    return "transformers"


def create_backend(name: str, info: ModelInfo, tokens: Tokens, settings: LoadSettings) -> Backend:
    """Build the backend called ``name`` (see ``resolve_backend``). A vocabulary shortlist
    with any engine but CTranslate2 is an error: it would be ignored, silently."""
    chosen = resolve_backend(name)
    if settings.shortlist is not None and chosen != "ctranslate2":
        raise InvalidOptionError(
            f"a vocabulary shortlist ({settings.shortlist}) needs the CTranslate2 backend, "
            f"and {chosen} was chosen: use backend 'auto' or 'ctranslate2' (pip install ctranslate2), "
            "or leave the shortlist out"
        )
    return FACTORIES[chosen](info, tokens, settings)
