"""A Passerelle server as a user starts it: ``passerelle ui`` in a subprocess, on a free
loopback port, with the tiny models; stopped (or killed) by the test."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.helpers import ROOT, free_port

START_TIMEOUT_S = 120.0


class ServerProcess:
    def __init__(self, models: dict[str, str], *args: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environment = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1", **models, **(env or {})}
        command = [sys.executable, "-m", "passerelle.ui.cli", "ui", "--port", str(self.port), "--backend", "transformers", *args]
        self.process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.process.communicate()[1][-2000:]}")
            try:  # the server answers before its page is built: wait for the page too
                if httpx.get(f"{self.url}/ready", timeout=2).json().get("page") != "loading":
                    return
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.2)
        self.kill()
        raise RuntimeError("the server's page was not up in time")

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss_mib(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60.0) -> tuple[int, str, str]:
        """Send ``sig`` and wait: (exit status, stdout, stderr)."""
        self.process.send_signal(sig)
        return self.wait(timeout)

    def wait(self, timeout: float = 60.0) -> tuple[int, str, str]:
        """Wait for the process to end: (exit status, stdout, stderr)."""
        stdout, stderr = self.process.communicate(timeout=timeout)
        return self.process.returncode, stdout, stderr

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
