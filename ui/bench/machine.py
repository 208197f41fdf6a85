"""The machine a benchmark ran on: CPU, vector extensions, library versions, load."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

from .setup import BenchSettings

CPUINFO = Path("/proc/cpuinfo")
# Widest first: CTranslate2's int8 kernels are several times faster with AVX-512 VNNI.
ISA_FLAGS = ("avx512_vnni", "avx512f", "avx2", "avx")


def load_average() -> float | None:
    """The 1-minute load average: other work on the machine skews every figure."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def machine_facts(settings: BenchSettings) -> dict[str, Any]:
    import ctranslate2
    import torch
    import transformers

    return {
        "cpus": os.cpu_count(),
        **cpu_facts(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "transformers": transformers.__version__,
        "ctranslate2": ctranslate2.__version__,
        "threads": settings.threads or os.cpu_count(),
        "load_before": load_average(),
    }


def cpu_facts() -> dict[str, str]:
    """The CPU model and its widest vector extension, which the int8 speed depends on."""
    model, flags = platform.processor() or "unknown", set()
    if CPUINFO.is_file():
        for line in CPUINFO.read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name":
                model = value.strip()
            elif key.strip() == "flags":
                flags = set(value.split())
                break
    return {"cpu": model, "isa": next((flag for flag in ISA_FLAGS if flag in flags), "unknown")}
