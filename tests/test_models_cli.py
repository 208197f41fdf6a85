"""``passerelle models list|pull`` as a user runs them, and what a machine without internet
sees: one clear message within seconds, from the command line and from the server."""

from __future__ import annotations

import time
from pathlib import Path

import gradio_client
import httpx
import pytest

from passerelle.ui.web import API_NAME
from tests.corpus import FRENCH_LINES
from tests.helpers import free_port, run_cli
from tests.servers import ServerProcess

pytestmark = pytest.mark.cli

HUB_MODEL = "Helsinki-NLP/opus-mt-fr-en"
FAST_FAILURE_S = 15.0  # one probe of at most 3 s, with Python's start-up around it


@pytest.fixture()
def local_models(tiny_model_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return {**tiny_model_env, "PASSERELLE_CACHE_DIR": str(tmp_path / "cache")}


@pytest.fixture()
def no_hub(tmp_path: Path) -> dict[str, str]:
    """An empty Hugging Face cache and a hub address where nothing listens."""
    return {"HF_HOME": str(tmp_path / "hf"), "HF_ENDPOINT": f"http://127.0.0.1:{free_port()}", "HF_HUB_OFFLINE": ""}


def test_list_then_pull_then_list(local_models: dict[str, str]) -> None:
    before = run_cli("models", "list", env=local_models)
    assert before.returncode == 0, before.stderr
    lines = [line for line in before.stdout.splitlines() if not line.startswith(" ")]
    assert [line.split()[0] for line in lines] == ["translation", "summary", "summary"]
    assert all("local directory" in line and "not converted" in line for line in lines)

    pulled = run_cli("models", "pull", env=local_models, timeout=600)
    assert pulled.returncode == 0, pulled.stderr
    assert pulled.stderr.count(": ready (") == 3

    after = run_cli("models", "list", env=local_models)
    assert after.stdout.count("converted") == 3 and "not converted" not in after.stdout
    assert after.stdout.count("CTranslate2 int8: " + local_models["PASSERELLE_CACHE_DIR"]) == 3


def test_pull_without_internet_fails_fast_with_one_message(local_models: dict[str, str], no_hub: dict[str, str]) -> None:
    env = {**local_models, **no_hub, "PASSERELLE_MODEL": HUB_MODEL}
    started = time.monotonic()
    pulled = run_cli("models", "pull", "--no-convert", env=env, timeout=120)
    assert time.monotonic() - started < FAST_FAILURE_S
    assert pulled.returncode == 1
    assert pulled.stderr.count(f"{HUB_MODEL}:") == 1 and "cannot be reached from here" in pulled.stderr
    assert "Traceback" not in pulled.stderr and "Retrying" not in pulled.stderr
    listed = run_cli("models", "list", env=env)
    assert f"translation        {HUB_MODEL}: missing" in listed.stdout


def test_hints_name_what_will_work(local_models: dict[str, str], no_hub: dict[str, str]) -> None:
    """A registry's short name gets the hub id in its hint; pull does not advise running pull."""
    env = {**local_models, **no_hub, "HF_HUB_OFFLINE": "1", "PASSERELLE_MODEL": "opus-mt-fr-en"}
    pulled = run_cli("models", "pull", "--no-convert", env=env, timeout=120)
    assert pulled.returncode == 1
    assert f"hf download {HUB_MODEL}" in pulled.stderr and "hf download opus-mt-fr-en" not in pulled.stderr
    assert "on a machine with internet access, then copy" in pulled.stderr
    translated = run_cli(
        "translate", "-", "-o", str(Path(local_models["PASSERELLE_CACHE_DIR"]) / "out"), stdin="Le maire a parlé.".encode(), env=env
    )
    assert translated.returncode == 1 and f"hf download {HUB_MODEL}" in translated.stderr


def test_models_commands_take_only_model_settings() -> None:
    assert run_cli("models", "list", "--glossary", "x.tsv").returncode == 2
    assert "--threads" not in run_cli("models", "pull", "--help").stdout
    version = run_cli("--version")
    assert version.returncode == 0 and version.stdout.startswith("passerelle ")


def test_hub_offline_is_honoured(local_models: dict[str, str], no_hub: dict[str, str]) -> None:
    env = {**local_models, **no_hub, "HF_HUB_OFFLINE": "1", "PASSERELLE_MODEL": HUB_MODEL}
    pulled = run_cli("models", "pull", "--no-convert", env=env, timeout=120)
    assert pulled.returncode == 1 and "HF_HUB_OFFLINE is set" in pulled.stderr


def test_a_server_without_internet_says_so_once_and_fast(local_models: dict[str, str], no_hub: dict[str, str]) -> None:
    server = ServerProcess({**local_models, **no_hub, "PASSERELLE_MODEL": HUB_MODEL})
    try:
        deadline = time.monotonic() + FAST_FAILURE_S
        while (ready := httpx.get(f"{server.url}/ready", timeout=5).json())["models"]["translation"]["state"] != "failed":
            assert time.monotonic() < deadline, ready
            time.sleep(0.2)
        assert "cannot be reached from here" in ready["models"]["translation"]["detail"]
        client = gradio_client.Client(server.url, verbose=False)
        messages = []
        for _ in range(2):
            started = time.monotonic()
            with pytest.raises(Exception) as raised:
                client.predict(FRENCH_LINES[0], "short", 0, api_name=f"/{API_NAME}")
            assert time.monotonic() - started < 5  # the failure is remembered, not retried per click
            messages.append(str(raised.value))
        assert all("PASSERELLE_MODEL" in message and "--model" in message for message in messages)
    finally:
        code, _, stderr = server.stop()
    assert code == 0
    assert stderr.count("cannot be reached from here") == 1  # the log says it once
    assert "Traceback" not in stderr and "Retrying" not in stderr
