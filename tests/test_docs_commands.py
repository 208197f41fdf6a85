"""The commands the documents show work as written: every ``passerelle`` command in a shell
block of the README or docs/ names a subcommand and options that its ``--help`` lists, and
those that can run here (no cluster, no placeholder) run on the tiny models, on files this
test writes under the names the documents use. A failure names the document and its line."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.test_docs import DOCUMENTS, ROOT

pytestmark = pytest.mark.cli

SHELLS = frozenset({"sh", "bash", "console", "shell", "shell-session"})
PASSERELLE = Path(sys.executable).with_name("passerelle")
PLACEHOLDER = re.compile(r"^[A-Z][A-Z0-9_]{2,}(?:[:=].*)?$")  # ID_OR_PATH, HEAD_IP:6379
NOT_HERE = ("--engine", "--ray-address", "--actors", "--gpus-per-actor", "--every")  # a Ray cluster; a poll until Ctrl-C
TIMEOUT_S = 240

FRENCH = (
    "Le conseil régional a présenté jeudi un plan pour les lignes de train régionales.",
    "Les usagers se plaignent depuis des mois des retards et des suppressions de trains.",
    "La présidente de la région promet de nouvelles rames avant la fin de l'année prochaine.",
)
ENGLISH = (
    "The regional council presented a plan for regional train lines on Thursday.",
    "Passengers have complained for months about delays and cancelled trains.",
    "The head of the region promises new trains before the end of next year.",
)
# The files the documents' examples name, as this test writes them.
WORKSPACE = {
    "articles/trains.txt": "\n\n".join(FRENCH) + "\n",
    "articles/plan.md": "# Les trains régionaux\n\n" + "\n\n".join(FRENCH) + "\n",
    "article.txt": "\n\n".join(FRENCH) + "\n",
    "more.md": "# Le plan\n\n" + "\n".join(f"- {line}" for line in FRENCH) + "\n",
    "page.html": "<html lang='fr'><head><title>Les trains</title></head><body>"
    + "".join(f"<p>{line}</p>" for line in FRENCH)
    + "</body></html>",
    "corpus.fr": "\n".join(FRENCH) + "\n",
    "corpus.en": "\n".join(ENGLISH) + "\n",
    "pairs.tsv": "\n".join(f"{fr}\t{en}" for fr, en in zip(FRENCH, ENGLISH)) + "\n",
}


@dataclass(frozen=True)
class Command:
    """One command of a shell block: where it is written, its environment and its words."""

    path: Path
    line: int
    env: tuple[tuple[str, str], ...]
    words: tuple[str, ...]

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    def is_passerelle(self) -> bool:
        return bool(self.words) and Path(self.words[0]).name == "passerelle"

    def subcommand(self) -> tuple[str, ...]:
        """The subcommand path (``translate``, ``models list``): the words before the first
        option or argument that is not a subcommand."""
        path: list[str] = []
        for word in self.words[1:]:
            if word.startswith("-") or not re.fullmatch(r"[a-z][a-z-]*", word) or len(path) == 2:
                break
            path.append(word)
        return tuple(path)

    def options(self) -> list[str]:
        """Every long option named, optional ones in brackets too (``[--beams N]``)."""
        return re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", " ".join(self.words[1:]))

    def runs_here(self) -> bool:
        """No cluster, no placeholder, no optional part in brackets, no absolute path, no
        link to the web (nothing but the package registries is reachable here)."""
        return not any(
            word in NOT_HERE or PLACEHOLDER.match(word) or "[" in word or "|" in word or word.startswith(("/", "http://", "https://"))
            for word in self.words
        )


def shell_blocks(path: Path) -> list[list[Command]]:
    """Each shell block of ``path`` as its commands: continuation lines joined, prompts and
    comments dropped, ``NAME=value`` prefixes as the environment."""
    blocks = []
    for token in MarkdownIt("commonmark").parse(path.read_text(encoding="utf-8")):
        if token.type != "fence" or token.info.split()[:1] not in ([shell] for shell in SHELLS) or token.map is None:
            continue
        commands: list[Command] = []
        pending, start = "", 0
        for number, raw in enumerate(token.content.splitlines(), start=token.map[0] + 2):
            line = raw.removeprefix("$ ") if not pending else raw
            if not pending:
                start = number
            if line.rstrip().endswith("\\"):
                pending += line.rstrip()[:-1] + " "
                continue
            words = shlex.split(pending + line, comments=True)
            pending = ""
            env: list[tuple[str, str]] = []
            while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", words[0]):
                name, _, value = words.pop(0).partition("=")
                env.append((name, value))
            if words:
                commands.append(Command(path, start, tuple(env), tuple(words)))
        blocks.append(commands)
    return blocks


BLOCKS = [block for path in DOCUMENTS for block in shell_blocks(path) if any(command.is_passerelle() for command in block)]
COMMANDS = [command for block in BLOCKS for command in block if command.is_passerelle()]


def run(words: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(words, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, stdin=subprocess.DEVNULL)


def test_the_documents_show_passerelle_commands() -> None:
    documented = {command.subcommand()[:1] for command in COMMANDS}
    assert {("translate",), ("shortlist",)} <= documented, sorted(documented)


def test_each_documented_command_and_option_is_in_its_help(tmp_path: Path) -> None:
    helps: dict[tuple[str, ...], str] = {}
    failures = []
    for command in COMMANDS:
        subcommand = command.subcommand()
        if subcommand not in helps:
            done = run([str(PASSERELLE), *subcommand, "--help"], tmp_path, dict(os.environ))
            helps[subcommand] = done.stdout if done.returncode == 0 else ""
            if done.returncode != 0:
                failures.append(f"{command.where}: `passerelle {' '.join(subcommand)} --help` failed: {done.stderr.strip()[-500:]}")
                continue
        missing = [option for option in command.options() if option not in helps[subcommand]]
        if missing and helps[subcommand]:
            failures.append(f"{command.where}: `passerelle {' '.join(subcommand)}` has no {', '.join(missing)}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("block", [block for block in BLOCKS if all(c.runs_here() for c in block if c.is_passerelle())],
                         ids=lambda block: block[0].where)  # fmt: skip
def test_a_documented_block_runs_on_the_tiny_models(block: list[Command], tmp_path: Path, tiny_model_env: dict[str, str]) -> None:
    for name, text in WORKSPACE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    for command in block:
        if not command.is_passerelle():
            continue
        data = {"PASSERELLE_DATA_DIR": str(tmp_path / "data")}  # the library, never the user's own
        env = {**os.environ, **tiny_model_env, "OMP_NUM_THREADS": "1", **data, **dict(command.env)}
        done = run([str(PASSERELLE), *command.words[1:]], tmp_path, env)
        assert done.returncode == 0, f"{command.where}: `{shlex.join(command.words)}` exited {done.returncode}:\n{done.stderr[-2000:]}"
