"""Errors a caller can act on: each says what went wrong and what to do about it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


class PasserelleError(Exception):
    """Base class for every error Passerelle raises on purpose. Each class says once how a
    front end reports it: the HTTP status of a web answer and the exit status of a command."""

    http_status: ClassVar[int] = 500
    exit_code: ClassVar[int] = 1


@dataclass(frozen=True)
class ModelSetting:
    """How a front end lets its user choose a model: a command-line option and a variable."""

    option: str  # e.g. "--model"
    env_var: str  # e.g. "PASSERELLE_MODEL"


class ModelNotAvailableError(PasserelleError):
    """The weights for a model are neither on disk nor downloadable from here."""

    http_status = 503  # the server's state, not the client's request

    def __init__(self, model: str, reason: str, setting: ModelSetting | None = None, hub_id: str | None = None) -> None:
        self.model = model
        self.reason = reason
        self.setting = setting
        self.hub_id = hub_id or model  # a registry's short name is not a hub id: the hint names the real one
        example = f"/path/to/{model.rsplit('/', 1)[-1]}"
        fixes = []
        if not _looks_like_a_path(model):
            fixes.append(
                f"fetch it once on a machine with internet access: `passerelle models pull` (or `hf download {self.hub_id}`),"
                " then rerun, with HF_HUB_OFFLINE=1 if this machine is offline"
            )
        if setting is None:
            fixes.append(f"load it from a local directory saved with `save_pretrained` (e.g. {example})")
        else:
            fixes.append(f"pass a local directory saved with `save_pretrained` (e.g. {setting.option} {example})")
            fixes.append(f"set {setting.env_var}=/path/or/hub-id to change the default")
        lines = [f"Model {model!r} is not available: {reason}", "To fix it, either:" if len(fixes) > 1 else "To fix it:"]
        lines += [f"  - {'or ' if i else ''}{fix}{';' if i < len(fixes) - 1 else '.'}" for i, fix in enumerate(fixes)]
        super().__init__("\n".join(lines))

    def for_setting(self, setting: ModelSetting) -> ModelNotAvailableError:
        """The same error, telling the user which option and variable choose this model."""
        return ModelNotAvailableError(self.model, self.reason, setting, self.hub_id)

    def while_pulling(self) -> str:
        """What to do when ``passerelle models pull`` itself could not fetch the model."""
        return (
            f"not downloaded: {self.reason}. Run `passerelle models pull` (or `hf download {self.hub_id}`) on a machine "
            "with internet access, then copy its Hugging Face cache (~/.cache/huggingface/hub) here"
        )


def _looks_like_a_path(model: str) -> bool:
    """A directory the user named (not a hub id, which is ``name`` or ``owner/name``)."""
    return model.startswith(("/", ".", "~", "\\")) or model.count("/") > 1 or "\\" in model


class InvalidOptionError(PasserelleError, ValueError):
    """An option has a value outside the ones Passerelle understands."""

    http_status = 400
    exit_code = 2


class InputTextError(PasserelleError, ValueError):
    """The text handed in cannot be translated as it is (empty, too long, ...)."""

    http_status = 400
