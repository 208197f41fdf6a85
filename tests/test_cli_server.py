"""``passerelle ui`` as an operator starts it: a busy port is one line at once, before any
model loads, and "ready" is said only when it is."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.helpers import free_port, run_cli
from tests.servers import ServerProcess

pytestmark = pytest.mark.cli


def test_a_busy_port_is_one_line_before_any_model_loads(tmp_path: Path) -> None:
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        started = time.monotonic()
        # A model that does not exist: had it been looked for, the error would say so.
        result = run_cli("ui", "--port", str(port), "--model", str(tmp_path / "absent"), timeout=120)
        seconds = time.monotonic() - started
    assert result.returncode == 3, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and f"cannot listen on 127.0.0.1:{port}" in lines[0] and "--port" in lines[0], result.stderr
    assert "ready" not in result.stdout and "absent" not in result.stderr
    assert seconds < 60


def test_ready_is_said_once_the_models_are_loaded(tiny_model_env: dict[str, str]) -> None:
    server = ServerProcess(tiny_model_env)
    code, out, _ = server.stop()
    assert code == 0
    assert f"Passerelle is ready on http://127.0.0.1:{server.port}/" in out


def test_a_failed_model_is_not_called_ready(tiny_model_env: dict[str, str], tmp_path: Path) -> None:
    server = ServerProcess({**tiny_model_env, "PASSERELLE_SUMMARY_MODEL": str(tmp_path / "absent")})
    code, out, err = server.stop()
    assert code == 0
    assert "is ready" not in out
    assert "the summary model could not be loaded" in err


LONG_FRENCH = "\n\n".join(
    f"Le conseil municipal s'est réuni pour la {n}e fois cette année. Les élus ont débattu du budget des écoles." for n in range(1, 60)
)


def _summarize_during_sigterm(models: dict[str, str], grace: str) -> tuple[httpx.Response | Exception, int, str]:
    server = ServerProcess(models, "--shutdown-grace", grace)
    answer: dict[str, httpx.Response | Exception] = {}

    def call() -> None:
        try:
            answer["response"] = httpx.post(f"{server.url}/summarize", json={"q": LONG_FRENCH, "source": "fr"}, timeout=120)
        except httpx.HTTPError as error:
            answer["response"] = error

    thread = threading.Thread(target=call)
    thread.start()
    time.sleep(1.0)  # the call is under way
    code, _, err = server.stop()
    thread.join(60)
    return answer["response"], code, err


def test_sigterm_lets_a_rest_call_in_flight_finish(tiny_model_env: dict[str, str]) -> None:
    response, code, err = _summarize_during_sigterm(tiny_model_env, "60")
    assert isinstance(response, httpx.Response), f"the call was cut off: {response!r}"
    assert response.status_code == 200, response.text
    assert code == 0 and "CancelledError" not in err and "Traceback" not in err


def test_sigterm_answers_a_rest_call_still_running_at_the_end_of_the_grace(tiny_model_env: dict[str, str]) -> None:
    response, code, err = _summarize_during_sigterm(tiny_model_env, "0.2")
    assert isinstance(response, httpx.Response), f"the call was cut off: {response!r}"
    assert response.status_code == 503, response.text
    assert "stopped before this request finished" in response.json()["error"]
    assert code == 0 and "CancelledError" not in err
