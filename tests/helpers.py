"""Small helpers the test modules share."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_cli(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``passerelle ARGS`` as a user runs it, in a subprocess; output decoded."""
    environment = {**os.environ, "OMP_NUM_THREADS": "1", **(env or {})}
    completed = subprocess.run(
        [sys.executable, "-m", "passerelle.ui.cli", *args], cwd=ROOT, input=stdin, capture_output=True, env=environment, timeout=timeout
    )
    return subprocess.CompletedProcess(
        completed.args, completed.returncode, completed.stdout.decode(errors="replace"), completed.stderr.decode(errors="replace")
    )
