"""Aligned plain-text tables and the cell formats every benchmark section shares."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

SPEEDUP_DIGITS_ABOVE = 10  # "12.3x" but "1.23x"


def table(rows: Sequence[Sequence[Any]], indent: str = "  ") -> list[str]:
    """Rows as aligned text: first column left, the others right."""
    if not rows:
        return []
    cells = [[cell(value) for value in row] for row in rows]
    columns = max(len(row) for row in cells)
    widths = [max(len(row[i]) for row in cells if i < len(row)) for i in range(columns)]
    lines = []
    for row in cells:
        parts = [row[0].ljust(widths[0])]
        parts += [cell.rjust(widths[i + 1]) for i, cell in enumerate(row[1:])]
        lines.append(indent + "  ".join(parts).rstrip())
    return lines


def cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= SPEEDUP_DIGITS_ABOVE else f"{value:.2f}"
    return str(value)


def times(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}x" if value >= SPEEDUP_DIGITS_ABOVE else f"{value:.2f}x"


def value_range(values: Sequence[float | None]) -> str:
    return "-".join(cell(value) for value in values)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def beam_name(key: str) -> str:
    beams = int(key.split("_")[1])
    return "greedy" if beams == 1 else f"beam {beams}"
