"""The web app's API as scripts use it: a real server on 127.0.0.1 with tiny models, called
through gradio_client, under concurrency, past the queue's limit, and probed for file leaks."""

from __future__ import annotations

import http.client
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import gradio_client
import pytest
from gradio_client.utils import QueueError

from passerelle.ui.article import ArticleOptions, LoadedModels, Stage, article_stream
from passerelle.ui.config import AppConfig
from passerelle.ui.web import API_NAME, serve
from passerelle.ui.web.scratch import ScratchLimits, process_scratch
from tests.corpus import FRENCH_LINES
from tests.helpers import free_port

pytestmark = pytest.mark.web

ENDPOINT = f"/{API_NAME}"
MAX_CHARS = 5_000
CONCURRENT_REQUESTS = 20
DISTINCT_INPUTS = 4
SMALL_QUEUE = 1
FLOOD = 6  # requests fired at the small queue at once


# The tiny random models write up to their length cap for every sentence: short
# sentences keep the tests fast.
SHORT_LINES = tuple(sorted(FRENCH_LINES, key=len)[:16])


def article(index: int, paragraphs: int = 2, per_paragraph: int = 1) -> str:
    """Paragraphs of real French news sentences, different for each index."""
    lines = SHORT_LINES[index % len(SHORT_LINES) :] + SHORT_LINES
    return "\n\n".join(" ".join(lines[p * per_paragraph : (p + 1) * per_paragraph]) for p in range(paragraphs))


@pytest.fixture(scope="module")
def app(tiny_config: Callable[..., AppConfig]) -> Iterator[tuple[str, LoadedModels]]:
    config = tiny_config(max_chars=MAX_CHARS, port=free_port(), concurrency_limit=2, max_queue=CONCURRENT_REQUESTS + 8)
    services = LoadedModels(config)
    demo = serve(config, services)
    yield demo.local_url, services
    demo.close()


@pytest.fixture(scope="module")
def client(app: tuple[str, LoadedModels]) -> gradio_client.Client:
    return gradio_client.Client(app[0], verbose=False)


def translatable_sources(services: LoadedModels, text: str) -> list[str]:
    return [piece.text for piece in services.translator().split(text).translatable()]


def test_translate_returns_every_part(client: gradio_client.Client, app: tuple[str, LoadedModels]) -> None:
    text = article(0)
    translation, summary_en, summary_fr, segments, warnings = client.predict(text, "short", 0, api_name=ENDPOINT)
    assert warnings == []  # French text, no markup
    assert translation.strip()
    sources = [s["source"] for s in segments]
    assert sources == translatable_sources(app[1], text)
    assert " ".join(" ".join(sources).split()) == " ".join(text.split())  # every sentence, once, in order
    assert all(isinstance(s["paragraph"], int) and isinstance(s["target"], str) for s in segments)
    assert all(isinstance(s["key"], bool) for s in segments)  # whether the summary rests on it
    assert {s["paragraph"] for s in segments} == {0, 1}
    assert summary_en.strip() and summary_fr.strip()


def test_segments_carry_flags_and_confidence_and_the_glossary_applies(client: gradio_client.Client) -> None:
    text = "Le sommet de l'OTAN a réuni 12 pays à Lyon."
    translation, _, _, segments, _ = client.predict(text, "none", 1, "OTAN = NATO", api_name=ENDPOINT)
    assert "NATO" in translation and "OTAN" not in translation
    segment = segments[0]
    assert isinstance(segment["confidence"], float) and segment["confidence"] < 0
    assert all({"kind", "detail", "message"} <= set(flag) for flag in segment["flags"])
    with pytest.raises(Exception, match="more than one separator"):
        client.predict(text, "none", 1, "OTAN\tNATO\tOTAN", api_name=ENDPOINT)


def test_greedy_and_default_beams_both_work(client: gradio_client.Client) -> None:
    for beams in (1, 0):
        translation, *_ = client.predict(article(1, paragraphs=1), "none", beams, api_name=ENDPOINT)
        assert translation.strip()


def test_concurrent_requests_get_their_own_results(client: gradio_client.Client) -> None:
    texts = [article(2 + i, paragraphs=1) for i in range(DISTINCT_INPUTS)]
    requests = [texts[i % DISTINCT_INPUTS] for i in range(CONCURRENT_REQUESTS)]
    with ThreadPoolExecutor(CONCURRENT_REQUESTS) as pool:
        results = list(pool.map(lambda text: client.predict(text, "none", 1, api_name=ENDPOINT), requests))
    first: dict[str, tuple] = {}
    for text, result in zip(requests, results):
        assert tuple(result) == first.setdefault(text, tuple(result))  # same input, same output
        assert " ".join(s["source"] for s in result[3]).split() == text.split()  # its own input
        assert result[0].strip()


@pytest.mark.parametrize("text, message", [("x" * (MAX_CHARS + 1), "over the limit"), ("   \n ", "empty")])
def test_bad_text_gets_a_clear_error(client: gradio_client.Client, text: str, message: str) -> None:
    with pytest.raises(Exception, match=message):
        client.predict(text, "none", 1, api_name=ENDPOINT)


def test_bad_options_get_a_clear_error(client: gradio_client.Client) -> None:
    with pytest.raises(Exception, match="summary length"):
        client.predict(article(2), "huge", 1, api_name=ENDPOINT)
    with pytest.raises(Exception, match="beams"):
        client.predict(article(2), "none", 99, api_name=ENDPOINT)
    with pytest.raises(Exception, match="beams must be a whole number"):
        client.predict(article(2), "none", "trois", api_name=ENDPOINT)
    translation, *_ = client.predict(article(2), "none", "1", api_name=ENDPOINT)  # as some clients send it
    assert translation.strip()


def test_the_api_returns_the_warnings_the_page_shows(client: gradio_client.Client) -> None:
    english = "The city council approved the new budget on Tuesday evening after a long debate."
    *_, warnings = client.predict(english, "none", 1, api_name=ENDPOINT)
    assert any("English" in warning for warning in warnings)
    *_, warnings = client.predict("<p>Le maire a parlé.</p><p>Les élus ont voté.</p>", "none", 1, api_name=ENDPOINT)
    assert any("HTML" in warning for warning in warnings)


def test_full_queue_refuses_new_jobs_and_finishes_accepted_ones(tiny_config: Callable[..., AppConfig]) -> None:
    config = tiny_config(port=free_port(), concurrency_limit=1, max_queue=SMALL_QUEUE)
    demo = serve(config, LoadedModels(config))
    try:
        client = gradio_client.Client(demo.local_url, verbose=False)
        # Different inputs (no cache hits): each job takes seconds, the flood milliseconds.
        texts = [f"Dépêche numéro {i}. " + article(i) for i in range(FLOOD)]
        jobs = [client.submit(text, "none", 1, api_name=ENDPOINT) for text in texts]
        refused, finished = 0, 0
        for text, job in zip(texts, jobs):
            try:
                translation, _, _, segments, _ = job.result(timeout=300)
            except QueueError as error:
                assert "queue is full" in str(error).lower()
                refused += 1
                continue
            assert translation.strip()
            assert " ".join(s["source"] for s in segments).split() == text.split()
            finished += 1
        assert refused >= 1 and finished >= 1
        assert finished <= SMALL_QUEUE + 1 + 1  # running + queued (+1: a slot may free up mid-flood)
    finally:
        demo.close()


def raw_get(url: str, path: str) -> tuple[int, bytes]:
    """GET with the path sent byte for byte (no client-side ../ normalisation)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(
    "path",
    [
        "/gradio_api/file=/etc/passwd",
        "/gradio_api/file=..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/gradio_api/file=../../../../etc/passwd",
        "/gradio_api/file=%2Fetc%2Fpasswd",
        "/gradio_api/file=/tmp/../etc/passwd",
        "/file=/etc/passwd",
        "/file=../../etc/passwd",
        "/gradio_api/run/translate",
    ],
)
def test_no_file_outside_the_app_is_served(app: tuple[str, LoadedModels], path: str) -> None:
    status, body = raw_get(app[0], path)
    assert status in (400, 403, 404, 405), (status, body[:200])
    assert b"root:" not in body


def test_rest_route_cannot_skip_the_queue(app: tuple[str, LoadedModels]) -> None:
    import httpx

    url = f"{app[0].rstrip('/')}/gradio_api/run/translate"
    response = httpx.post(url, json={"data": [article(0), "none", 1]}, timeout=30)
    assert response.status_code == 404
    assert "queue" in response.text.lower()


def test_result_files_are_not_served_directly(app: tuple[str, LoadedModels]) -> None:
    secret = process_scratch(ScratchLimits()).downloads / "secret.txt"  # where results are written
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_text("root:secret", encoding="utf-8")
    try:
        status, body = raw_get(app[0], f"/gradio_api/file={secret}")
        assert status in (400, 403, 404) and b"root:" not in body
    finally:
        secret.unlink()


def test_uploads_over_the_size_limit_are_refused(app: tuple[str, LoadedModels]) -> None:
    import httpx

    too_big = b"a" * (AppConfig().max_file_bytes + 1)
    url = f"{app[0].rstrip('/')}/gradio_api/upload"
    response = httpx.post(url, files={"files": ("big.txt", too_big, "text/plain")}, timeout=30)
    assert response.status_code == 413, response.text


def test_the_english_summary_comes_before_the_french(app: tuple[str, LoadedModels]) -> None:
    seen = []  # (stage, English, French) as each event is yielded: the result object grows
    for event in article_stream(article(0), app[1], ArticleOptions(summary_length="short", num_beams=1)):
        summary = event.result.summary if event.result else None
        seen.append((event.stage, summary.en if summary else None, summary.fr if summary else None))
    english_only = [step for step in seen if step[0] == Stage.SUMMARIZING and step[1]]
    assert english_only and english_only[0][2] == ""
    assert seen[-1][0] == Stage.DONE and seen[-1][1] == english_only[0][1] and seen[-1][2]


def test_server_only_listens_locally(app: tuple[str, LoadedModels]) -> None:
    assert urlsplit(app[0]).hostname == "127.0.0.1"


def test_share_links_are_refused(tiny_config: Callable[..., AppConfig]) -> None:
    with pytest.raises(ValueError, match="share"):
        serve(tiny_config(), share=True)


def test_english_to_french_through_the_api(client: gradio_client.Client) -> None:
    english = "The city council approved the budget on Tuesday evening. The mayor spoke for an hour."
    translation, summary_en, summary_fr, segments, warnings = client.predict(english, "short", 0, "", "en", api_name=ENDPOINT)
    assert warnings == []  # English, as the direction expects
    assert translation.strip() and summary_en.strip() and summary_fr.strip()
    assert [s["source"] for s in segments] == ["The city council approved the budget on Tuesday evening.", "The mayor spoke for an hour."]
    *_, auto_warnings = client.predict(english, "none", 1, "", "auto", api_name=ENDPOINT)
    assert auto_warnings == []  # detected as English, so translated from English
