"""Fetching models ahead of time: download (with the hub client's progress bars), then convert
to CTranslate2, so the first translation does not wait and the machine can then be offline."""

from __future__ import annotations

import sys
from typing import TextIO

from passerelle.translate import ModelNotAvailableError, PasserelleError
from passerelle.translate.engine import resolve_model
from passerelle.translate.engine.convert import convert_model
from passerelle.translate.engine.hub import download, load_kwargs

from ..config import AppConfig
from .catalog import QUANTIZATION, ModelEntry, entries, shortlist_for


def pull(config: AppConfig, everything: bool = False, convert: bool = True, out: TextIO = sys.stderr) -> list[ModelEntry]:
    """Each model downloaded (unless present) and converted; the models that failed, each
    reported with its reason on ``out`` (the others are still fetched)."""
    failed = []
    for entry in entries(config, everything):
        try:
            if entry.problem:
                raise PasserelleError(entry.problem)
            ref = resolve_model(entry.name)
            if not entry.present:
                load_kwargs(ref.name, ref.location, ref.revision)  # unreachable hub: the clear error, at once
                print(f"downloading {entry.name} ({entry.role})", file=out, flush=True)
                download(ref.location, ref.revision)
            if convert:
                print(f"converting {entry.name} to CTranslate2 {QUANTIZATION}", file=out, flush=True)
                shortlist = shortlist_for(entry.role, config)
                path = convert_model(ref, QUANTIZATION, cache_dir=config.conversions_dir(), shortlist=shortlist)
                print(f"{entry.name}: ready ({path})", file=out, flush=True)
        except ModelNotAvailableError as error:
            print(f"{entry.name}: {error.while_pulling()}", file=out, flush=True)
            failed.append(entry)
        except PasserelleError as error:
            print(f"{entry.name}: {error}", file=out, flush=True)
            failed.append(entry)
    return failed
