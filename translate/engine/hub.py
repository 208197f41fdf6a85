"""Models from the Hugging Face Hub: whether one is in the local cache already, whether the
hub can be reached from here (asked once, with a short timeout, and remembered a while), and
downloading one ahead of time.

A machine without internet then fails in a second with one clear message, instead of the hub
client retrying every file with back-off; a model in the cache loads without any network call.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from ..errors import ModelNotAvailableError

logger = logging.getLogger("passerelle.translate")

CONFIG_FILE = "config.json"
WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin", "pytorch_model.bin.index.json")
# What a model needs to load and convert (not the other frameworks' weights, not the README).
DOWNLOAD_PATTERNS = (
    "*.json", "*.model", "*.spm", "*.txt", "model*.safetensors", "pytorch_model*.bin",
)  # fmt: skip
PROBE_TIMEOUT_SECONDS = 3.0
# How long an answer about the hub holds: a success for a minute, a failure for five.
REMEMBER_SECONDS = {True: 60.0, False: 300.0}
DEFAULT_ENDPOINT = "https://huggingface.co"

_lock = threading.Lock()
_last_probe: tuple[bool, str, float] | None = None


def offline() -> bool:
    """HF_HUB_OFFLINE, read when asked (the hub client reads it once, at import)."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() not in ("", "0", "false", "no")


def cached_snapshot(repo_id: str, revision: str | None = None) -> Path | None:
    """The local snapshot holding ``repo_id``'s config and weights, or None."""
    from huggingface_hub import try_to_load_from_cache

    config = try_to_load_from_cache(repo_id, CONFIG_FILE, revision=revision)
    if not isinstance(config, str):
        return None
    snapshot = Path(config).parent
    return snapshot if any((snapshot / name).exists() for name in WEIGHT_FILES) else None


def reachable() -> tuple[bool, str]:
    """Whether the hub answers (any HTTP answer will do), and why not; remembered a while."""
    global _last_probe
    import httpx

    with _lock:
        if _last_probe is not None and time.monotonic() - _last_probe[2] < REMEMBER_SECONDS[_last_probe[0]]:
            return _last_probe[0], _last_probe[1]
        endpoint = os.environ.get("HF_ENDPOINT", DEFAULT_ENDPOINT)
        try:
            httpx.head(endpoint, timeout=PROBE_TIMEOUT_SECONDS)
            answer = (True, "")
        except httpx.HTTPError as error:
            answer = (False, f"{endpoint} cannot be reached from here ({error})")
        _last_probe = (*answer, time.monotonic())
        return answer


def forget() -> None:
    """Ask the hub again next time (after a network change, or in tests)."""
    global _last_probe
    with _lock:
        _last_probe = None


def load_kwargs(name: str, repo_id: str, revision: str | None) -> dict[str, Any]:
    """``from_pretrained`` keyword arguments for a hub model: local files only when it is
    cached; otherwise the hub must be reachable, or this is the one clear error, at once."""
    kwargs: dict[str, Any] = {"revision": revision} if revision else {}
    if cached_snapshot(repo_id, revision) is not None:
        return {**kwargs, "local_files_only": True}
    if offline():
        raise ModelNotAvailableError(name, "it is not in the local Hugging Face cache and HF_HUB_OFFLINE is set", hub_id=repo_id)
    ok, why = reachable()
    if not ok:
        raise ModelNotAvailableError(name, f"it is not in the local Hugging Face cache and {why}", hub_id=repo_id)
    return kwargs


def download(repo_id: str, revision: str | None = None) -> Path:
    """The model's files in the local cache (with the hub client's own progress bars)."""
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(repo_id, revision=revision, allow_patterns=list(DOWNLOAD_PATTERNS)))
