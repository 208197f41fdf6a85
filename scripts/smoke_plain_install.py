#!/usr/bin/env python3
"""The product as a user installs it: ``pip install .`` without extras into a fresh virtual
environment, then each command once on tiny models, so a dependency the product imports but
does not declare (an extra, or the test tools, would hide it) fails CI.

Run by ``.ci/run`` before ``make test``; alone: ``python3 scripts/smoke_plain_install.py``
(``--keep`` leaves the environment in place and prints where). Needs only the standard
library: it runs before the project's own environment exists. Takes under three minutes, most
of it pip.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TORCH_SPEC = os.environ.get("TORCH_SPEC", "torch==2.13.0")  # the CPU build, as the Makefile installs it
SERVER_TIMEOUT_S = 180
COMMAND_TIMEOUT_S = 300

# The tiny models' vocabulary and the files translated: a few lines of the news.
FRENCH = (
    "Le conseil municipal a voté le budget mardi soir.",
    "Le maire a défendu un plan ambitieux pour les transports.",
    "La ligne de tramway sera prolongée de quatre kilomètres.",
    "Les habitants demandent davantage de pistes cyclables.",
    "Le port de Marseille agrandit ses quais pour les grands navires.",
    "La pluie est attendue jeudi sur toute la région.",
)
ENGLISH = (
    "The city council voted the budget on Tuesday evening.",
    "The mayor defended an ambitious plan for transport.",
    "The tram line will be extended by four kilometres.",
    "Residents are asking for more cycle lanes.",
    "The port of Marseille is extending its quays for large ships.",
    "Rain is expected on Thursday across the region.",
)
BUILD_MODELS = f"""
import sys
from pathlib import Path
from passerelle.ui.bench.builders import build_bart, build_marian
french, english, root = {list(FRENCH)!r}, {list(ENGLISH)!r}, Path(sys.argv[1])
build_marian(root / "fr-en", french, english, source_lang="fr", target_lang="en")
build_marian(root / "en-fr", english, french, source_lang="en", target_lang="fr")
build_bart(root / "bart", english)
"""
PAGE = f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Le budget voté</title></head>
<body><nav><a href="/">Accueil</a> <a href="/ville">Ville</a></nav>
<article><h1>Le conseil municipal vote le budget</h1>
{"".join(f"<p>{line} {line}</p>" for line in FRENCH)}
</article><footer><p>Tous droits réservés.</p></footer></body></html>
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the virtual environment and files (printed at the end)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="passerelle-smoke-"))
    started = time.perf_counter()
    try:
        Smoke(work).run()
    except SmokeFailure as failure:
        print(f"smoke: FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"smoke: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"smoke: plain install and every command passed in {time.perf_counter() - started:.0f}s")
    return 0


class SmokeFailure(Exception):
    """A step of the smoke run failed; the message says which and what it printed."""


class Smoke:
    """One run: a fresh environment in ``work``, the product installed, each command once."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.venv = work / "venv"
        self.bin = self.venv / "bin"
        self.models = work / "models"
        self.env = self._environment()

    def _environment(self) -> dict[str, str]:
        """The user's environment, with nothing of a project environment or source tree."""
        env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
        env.update(
            PATH=f"{self.bin}{os.pathsep}{env.get('PATH', '')}",
            XDG_CACHE_HOME=str(self.work / "cache"),  # conversions land here, not in the user's home
            HF_HUB_OFFLINE="1",
            PASSERELLE_MODEL=str(self.models / "fr-en"),
            PASSERELLE_SUMMARY_MODEL=str(self.models / "bart"),
            PASSERELLE_SUMMARY_TRANSLATION_MODEL=str(self.models / "en-fr"),
            OMP_NUM_THREADS="1",
        )
        return env

    def run(self) -> None:
        self.step("fresh virtual environment", [sys.executable, "-m", "venv", str(self.venv)])
        self.step("torch (CPU build)", [self.pip, "install", "--quiet", "--no-compile", TORCH_SPEC])
        source = self._source_copy()
        self.step("pip install . (no extras)", [self.pip, "install", "--quiet", "--no-compile", str(source)])
        self.step("tiny models", [str(self.bin / "python"), "-c", BUILD_MODELS, str(self.models)])
        passerelle = str(self.bin / "passerelle")
        self.step("passerelle --version", [passerelle, "--version"])
        self.step("passerelle --help", [passerelle, "--help"])
        inputs = self._inputs()
        out = self.work / "out"
        self.step(
            "passerelle translate (.txt, .html --article-only, .md)",
            [passerelle, "translate", *map(str, inputs), "-o", str(out), "--article-only", "--summarize"],
        )
        self._check_outputs(out)
        self.step("passerelle models list", [passerelle, "models", "list"])
        self._serve(passerelle)

    @property
    def pip(self) -> str:
        return str(self.bin / "pip")

    def step(self, name: str, command: list[str]) -> str:
        """Run ``command``; its output, or SmokeFailure with what it printed."""
        started = time.perf_counter()
        try:
            done = subprocess.run(
                command, cwd=self.work, env=self.env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, stdin=subprocess.DEVNULL
            )
        except subprocess.TimeoutExpired as error:
            raise SmokeFailure(f"{name}: no answer in {COMMAND_TIMEOUT_S}s") from error
        if done.returncode != 0:
            raise SmokeFailure(f"{name}: exit code {done.returncode}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
        print(f"smoke: {name}: ok ({time.perf_counter() - started:.1f}s)", flush=True)
        return done.stdout

    def _source_copy(self) -> Path:
        """The project's files as a clone has them (tracked, or new and not ignored): a work
        tree's build/ directory or egg-info must not stand in for what the package declares."""
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, check=True
        )
        source = self.work / "source"
        for name in filter(None, listed.stdout.decode().split("\0")):
            path = ROOT / name
            if path.is_file():
                (source / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, source / name)
        return source

    def _inputs(self) -> list[Path]:
        directory = self.work / "articles"
        directory.mkdir()
        files = {
            "budget.txt": "\n\n".join(FRENCH) + "\n",
            "page.html": PAGE,
            "plan.md": "# Le budget\n\n" + "\n\n".join(f"- {line}" if i % 2 else line for i, line in enumerate(FRENCH)) + "\n",
        }
        for name, text in files.items():
            (directory / name).write_text(text, encoding="utf-8")
        return [directory / name for name in files]

    def _check_outputs(self, out: Path) -> None:
        for name in ("budget.en.txt", "page.en.html", "plan.en.md"):
            if not (out / name).is_file() or not (out / name).read_text(encoding="utf-8").strip():
                raise SmokeFailure(f"passerelle translate wrote no {name} in {out}: {sorted(p.name for p in out.iterdir())}")
        page = (out / "page.en.html").read_text(encoding="utf-8")
        if '<html lang="en">' not in page or "<title>" not in page or "Accueil" in page:
            raise SmokeFailure(f"the article-only page is not an English page with its head:\n{page[:2000]}")

    def _serve(self, passerelle: str) -> None:
        """``passerelle ui`` started, /health and one REST /translate answered, then stopped."""
        port = _free_port()
        log = (self.work / "ui.log").open("w")
        started = time.perf_counter()
        server = subprocess.Popen(
            [passerelle, "ui", "--port", str(port)],
            cwd=self.work,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            self._wait_ready(base, server)
            if _get(f"{base}/health") != {"status": "ok"}:
                raise SmokeFailure("/health did not answer {'status': 'ok'}")
            answer = _post(f"{base}/translate", {"q": FRENCH[0], "source": "fr", "target": "en"})
            if not isinstance(answer.get("translatedText"), str) or not answer["translatedText"].strip():
                raise SmokeFailure(f"/translate answered no translation: {answer}")
            print(f"smoke: passerelle ui: /health and /translate answered ({time.perf_counter() - started:.1f}s)", flush=True)
        except (OSError, ValueError) as error:
            raise SmokeFailure(f"passerelle ui: {error}\n{self._log()}") from error
        except SmokeFailure as failure:
            raise SmokeFailure(f"{failure}\n{self._log()}") from failure
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                code = server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                code = server.wait()
            log.close()
        if code != 0:
            raise SmokeFailure(f"passerelle ui stopped with exit code {code}\n{self._log()}")
        print("smoke: passerelle ui: stopped", flush=True)

    def _wait_ready(self, base: str, server: subprocess.Popen[bytes]) -> None:
        """Until /ready says the models are loaded and the page is up."""
        deadline = time.monotonic() + SERVER_TIMEOUT_S
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise SmokeFailure(f"passerelle ui exited with code {server.returncode} before it was ready")
            try:
                body = _get(f"{base}/ready")
                if body.get("status") == "ready" and body.get("page") == "ready":
                    return
            except OSError:
                pass  # not listening yet, or 503 while loading
            time.sleep(0.5)
        raise SmokeFailure(f"passerelle ui was not ready in {SERVER_TIMEOUT_S}s")

    def _log(self) -> str:
        return (self.work / "ui.log").read_text(encoding="utf-8", errors="replace")[-4000:]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return dict(json.load(response))


def _post(url: str, body: dict[str, str]) -> dict[str, object]:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return dict(json.load(response))


if __name__ == "__main__":
    sys.exit(main())
