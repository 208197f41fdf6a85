"""What a benchmark section beyond the core ones is: one measurement, its lines in the table
and its targets, in a module of its own, listed in ``extras.EXTRA_SECTIONS``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .code_paths import NaiveModels, PasserelleModels
from .setup import BenchModels, BenchSettings, BenchTexts


@dataclass(frozen=True)
class BenchContext:
    """Everything a section may use; the models are loaded once for the whole run."""

    workdir: Path
    settings: BenchSettings
    texts: BenchTexts
    models: BenchModels
    passerelle: PasserelleModels
    naive: NaiveModels
    english: dict[str, Any]  # the summariser's English stand-ins (see run._english_texts)


@dataclass(frozen=True)
class Check:
    """One target: ``value comparison target``, e.g. ``1.7 >= 1.2``."""

    name: str
    value: float | None
    comparison: str  # ">=" or "<="
    target: float


@dataclass(frozen=True)
class Section:
    key: str  # the report's key for this section's dict
    measure: Callable[[BenchContext], dict[str, Any]]
    lines: Callable[[dict[str, Any], dict[str, Any]], list[str]]  # (section, whole report)
    checks: Callable[[dict[str, Any], BenchSettings], list[Check]]
