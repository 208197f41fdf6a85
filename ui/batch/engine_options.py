"""Where a batch of articles is made: the options ``passerelle translate`` and ``passerelle
feeds run`` share, with the same names and meanings."""

from __future__ import annotations

import argparse

ENGINES = ("local", "ray")


def add_engine_arguments(parser: argparse.ArgumentParser, unit: str) -> None:
    """``--engine`` and the Ray options; ``unit`` names what a Ray batch holds (files, articles)."""
    parser.add_argument("--engine", choices=ENGINES, default="local", help="run here, or on a Ray cluster")
    parser.add_argument("--ray-address", help="Ray cluster address (with --engine ray; default: start a local one)")
    parser.add_argument("--actors", type=int, default=None, help="Ray actors (with --engine ray)")
    parser.add_argument("--gpus-per-actor", type=float, default=0.0, help="GPUs per Ray actor")
    parser.add_argument("--batch-files", type=int, default=None, help=f"{unit} per Ray batch")
