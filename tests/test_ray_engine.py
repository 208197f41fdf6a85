"""``--engine ray`` against ``--engine local`` on the tiny real model: same files, same JSON,
same per-file errors, same resume, and a missing model as one clear error.

One Ray instance (2 CPUs) is started here for the module; the CLI runs attach to it with
``--ray-address``, so Ray starts once rather than once per run.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import ray

from passerelle.translate import PasserelleError
from passerelle.ui.article import ArticleOptions, LoadedModels
from passerelle.ui.batch import Outcome, discover, run_local
from passerelle.ui.batch.ray_engine import ClusterShape, plan_run, run_ray
from passerelle.ui.config import AppConfig
from tests.corpus import FRENCH_LINES

pytestmark = [
    pytest.mark.ray,
    # Ray Data's own DataContext touches its deprecated fields; nothing Passerelle can act on.
    pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.data.context"),
]

ROOT = Path(__file__).resolve().parent.parent
RAY_CPUS = 2
OBJECT_STORE_BYTES = 128 * 1024**2
CLI_TIMEOUT_S = 240
GOOD_FILES = {"a.txt": FRENCH_LINES[0:2], "b.md": FRENCH_LINES[2:4], "sub/c.txt": FRENCH_LINES[4:6]}
BAD_FILES = {"empty.txt": b"", "binary.txt": b"\x00\x01binary\x00data\xff\xfe"}
STDIN_TEXT = " ".join(FRENCH_LINES[6:8])
OUTPUT_NAMES = ("a.en.txt", "a.json", "b.en.md", "b.json", "sub/c.en.txt", "sub/c.json", "stdin.en.txt", "stdin.json")
QUIET_ENV = {"OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}


@dataclass(frozen=True)
class Runs:
    inputs: Path
    local_out: Path
    ray_out: Path
    local: subprocess.CompletedProcess[str]
    ray: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def ray_address() -> Iterator[str]:
    """A private local Ray instance for this module; torch single-threaded in its workers."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in QUIET_ENV.items():
            patch.setenv(name, value)
        ray.init(
            address="local",
            num_cpus=RAY_CPUS,
            include_dashboard=False,
            object_store_memory=OBJECT_STORE_BYTES,
            logging_level=logging.ERROR,
            log_to_driver=False,
        )
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


def write_inputs(root: Path) -> Path:
    for name, lines in GOOD_FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    for name, data in BAD_FILES.items():
        (root / name).write_bytes(data)
    return root


def cli(inputs: Path, output: Path, model: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "passerelle.ui.cli", "translate", str(inputs), "-", "--output", str(output),
        "--model", str(model), "--backend", "transformers", "--beams", "1", *extra,
    ]  # fmt: skip


def start(command: list[str]) -> subprocess.Popen[str]:
    env = {**os.environ, **QUIET_ENV}
    pipe = subprocess.PIPE
    return subprocess.Popen(command, cwd=ROOT, env=env, stdin=pipe, stdout=pipe, stderr=pipe, text=True)


def finish(process: subprocess.Popen[str], command: list[str]) -> subprocess.CompletedProcess[str]:
    stdout, stderr = process.communicate(STDIN_TEXT, timeout=CLI_TIMEOUT_S)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, marian_fr_en_dir: Path, ray_address: str) -> Runs:
    """Both engines on the same inputs, at the same time (the machine has 2 cores)."""
    root = tmp_path_factory.mktemp("ray-engine")
    inputs = write_inputs(root / "in")
    # Ray makes articles one at a time: the local run too (groups share batches, whose scores
    # can tip a low-confidence flag).
    local_cmd = cli(inputs, root / "local", marian_fr_en_dir, "--engine", "local", "--group", "1")
    ray_cmd = cli(inputs, root / "ray", marian_fr_en_dir, "--engine", "ray", "--ray-address", ray_address)
    local_proc, ray_proc = start(local_cmd), start(ray_cmd)
    local, ray_run = finish(local_proc, local_cmd), finish(ray_proc, ray_cmd)
    return Runs(inputs, root / "local", root / "ray", local, ray_run)


def test_ray_outputs_equal_local_outputs(runs: Runs) -> None:
    for name in OUTPUT_NAMES:
        assert (runs.ray_out / name).exists(), f"{name} missing; stderr:\n{runs.ray.stderr}"
        if name.endswith(".json"):
            ray_doc = json.loads((runs.ray_out / name).read_text(encoding="utf-8"))
            local_doc = json.loads((runs.local_out / name).read_text(encoding="utf-8"))
            for key in ("translation", "segments", "source", "source_file", "models", "job"):
                assert ray_doc[key] == local_doc[key], f"{name}: {key} differs"
        else:
            assert (runs.ray_out / name).read_text(encoding="utf-8") == (runs.local_out / name).read_text(encoding="utf-8")


def test_bad_files_are_reported_and_do_not_stop_the_others(runs: Runs) -> None:
    for run in (runs.local, runs.ray):
        assert run.returncode == 1, run.stderr
        assert "4 translated, 0 skipped, 2 failed" in run.stderr
        assert f"error: {runs.inputs / 'binary.txt'}:" in run.stderr
        assert f"error: {runs.inputs / 'empty.txt'}:" in run.stderr
        assert "Traceback" not in run.stderr
    assert not list(runs.ray_out.glob("binary*")) and not list(runs.ray_out.glob("empty*"))


def test_rerun_skips_finished_files_and_keeps_input_order(runs: Runs, marian_fr_en_dir: Path) -> None:
    """In-process on the module's Ray instance (reused, left running), two actors, one file a call."""
    config = AppConfig(model=str(marian_fr_en_dir), backend="transformers")
    options = ArticleOptions(summarize=False, num_beams=1)
    jobs = discover([str(runs.inputs)], runs.ray_out, config)
    args = argparse.Namespace(ray_address=None, actors=2, gpus_per_actor=0.0, batch_files=1, force=False)
    reported: list[Outcome] = []
    outcomes = run_ray(jobs, config, options, args, report=reported.append)
    assert [outcome.job for outcome in outcomes] == jobs
    statuses = {Path(outcome.job.name).name: outcome.status for outcome in outcomes}
    assert statuses == {"a.txt": "skipped", "b.md": "skipped", "c.txt": "skipped", "binary.txt": "failed", "empty.txt": "failed"}
    assert sorted(o.job.name for o in reported) == sorted(job.name for job in jobs)
    assert ray.is_initialized()


def test_a_call_of_several_files_makes_them_in_groups(runs: Runs, tmp_path: Path, marian_fr_en_dir: Path) -> None:
    """``--batch-files 2`` with groups of 2: each call's files share the engine's batches, as
    the local engine's groups of 2 do, with the same outputs."""
    inputs = tmp_path / "in"
    for name, lines in GOOD_FILES.items():
        (inputs / name).parent.mkdir(parents=True, exist_ok=True)
        (inputs / name).write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    config = AppConfig(model=str(marian_fr_en_dir), backend="transformers", batch_group=2)
    options = ArticleOptions(summarize=False, num_beams=1)
    args = argparse.Namespace(ray_address=None, actors=1, gpus_per_actor=0.0, batch_files=2, force=False)
    grouped = run_ray(discover([str(inputs)], tmp_path / "ray", config), config, options, args)
    with (tmp_path / "local.log").open("w") as log:
        local = run_local(discover([str(inputs)], tmp_path / "local", config), LoadedModels(config), options, False, stream=log)
    assert [o.group for o in grouped] == [o.group for o in local] == [2, 2, 1]
    for name in ("a.json", "b.json", "sub/c.json"):
        ray_doc, local_doc = (json.loads((tmp_path / side / name).read_text()) for side in ("ray", "local"))
        assert ray_doc["translation"] == local_doc["translation"] and ray_doc["segments"] == local_doc["segments"]
        assert ray_doc["job"].get("group") == local_doc["job"].get("group")


def test_missing_model_is_one_clear_error(tmp_path: Path, ray_address: str) -> None:
    inputs = write_inputs(tmp_path / "in")
    command = cli(inputs, tmp_path / "out", tmp_path / "no-such-model", "--engine", "ray", "--ray-address", ray_address)
    run = finish(start(command), command)
    assert run.returncode == 1
    assert run.stderr.count("is not available") == 1, run.stderr
    assert "Traceback" not in run.stderr and "RayTaskError" not in run.stderr
    assert not (tmp_path / "out" / "a.json").exists()


def test_unreachable_cluster_fails_in_seconds(tmp_path: Path, marian_fr_en_dir: Path) -> None:
    """Ray itself would retry for minutes; nothing listens on port 1."""
    inputs = write_inputs(tmp_path / "in")
    command = cli(inputs, tmp_path / "out", marian_fr_en_dir, "--engine", "ray", "--ray-address", "127.0.0.1:1")
    run = finish(start(command), command)
    assert run.returncode == 1
    assert "cannot reach a Ray cluster at 127.0.0.1:1" in run.stderr and "Traceback" not in run.stderr


def test_without_ray_the_error_says_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    jobs = discover([str(write_inputs(tmp_path / "in"))], tmp_path / "out", AppConfig())
    args = argparse.Namespace(ray_address=None, actors=None, gpus_per_actor=0.0, batch_files=None, force=False)
    with pytest.raises(PasserelleError, match=r'pip install "\.\[cluster\]"'):
        run_ray(jobs, AppConfig(), ArticleOptions(), args)


def test_gpus_the_cluster_lacks_are_refused() -> None:
    with pytest.raises(PasserelleError, match="more GPUs than the Ray cluster has"):
        plan_run(4, ClusterShape(8, 8, 1, 0, local=True), None, 1.0, None)


@pytest.mark.parametrize(
    ("jobs", "shape", "actors", "gpus", "batch", "expected"),
    [
        (10, ClusterShape(8, 8, 1, 0, local=True), None, 0.0, None, (1, 8, 0.0, 2)),
        (10, ClusterShape(8, 8, 1, 0, local=True), 2, 0.0, None, (2, 4, 0.0, 1)),
        (3, ClusterShape(8, 8, 1, 0, local=True), 8, 0.0, 1, (3, 2, 0.0, 1)),  # no more actors than calls
        (100, ClusterShape(32, 8, 4, 0, local=False), None, 0.0, None, (4, 8, 0.0, 4)),  # one per node
        (100, ClusterShape(32, 16, 2, 4, local=False), None, 1.0, 2, (4, 8, 1.0, 2)),  # one per GPU
        (4, ClusterShape(2, 2, 1, 0, local=True), 4, 0.0, 1, (4, 0.5, 0.0, 1)),  # more actors than CPUs
    ],
)
def test_plan(jobs: int, shape: ClusterShape, actors: int | None, gpus: float, batch: int | None, expected: tuple) -> None:
    plan = plan_run(jobs, shape, actors, gpus, batch)
    assert (plan.actors, plan.cpus_per_actor, plan.gpus_per_actor, plan.batch_files) == expected
