"""Errors a caller can act on: each says what went wrong and what to do about it."""

from __future__ import annotations


class PasserelleError(Exception):
    """Base class for every error Passerelle raises on purpose."""


class ModelNotAvailableError(PasserelleError):
    """The weights for a model are neither on disk nor downloadable from here."""

    def __init__(self, model: str, reason: str, env_var: str = "PASSERELLE_MODEL", option: str = "--model") -> None:
        self.model = model
        self.reason = reason
        message = (
            f"Model {model!r} is not available: {reason}\n"
            "To fix it, either:\n"
            f"  - download it once on a machine with internet access: `hf download {model}`"
            " (or `huggingface-cli download ...`), then rerun, with HF_HUB_OFFLINE=1 if this machine is offline;\n"
            f"  - or pass a local directory saved with `save_pretrained` (e.g. {option} /path/to/{model.rsplit('/', 1)[-1]});\n"
            f"  - or set {env_var}=/path/or/hub-id to change the default."
        )
        super().__init__(message)


class InvalidOptionError(PasserelleError, ValueError):
    """An option has a value outside the ones Passerelle understands."""


class InputTextError(PasserelleError, ValueError):
    """The text handed in cannot be translated as it is (empty, too long, ...)."""
