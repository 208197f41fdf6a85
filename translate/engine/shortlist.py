"""Vocabulary shortlists: for each source token, the few target tokens a translation of it may
use, so that CTranslate2 scores only those (its vocabulary map, ``use_vmap``) instead of all
~60,000 at every decoding step.

The map is learnt from a parallel corpus the user provides (one French and one English line per
pair), tokenised with the model's own SentencePiece models: every source token keeps the
``candidates`` target tokens that co-occur with it most (Dice coefficient over the pairs), and
the ``frequent`` most common target tokens are always allowed (the line with an empty source in
CTranslate2's format), with the special tokens. It is written in CTranslate2's vocabulary map
format, one rule a line::

    source_token<TAB>target_1 target_2 ... target_K
    <TAB>always_1 always_2 ...

which ``convert_model(..., shortlist=PATH)`` embeds in the converted model (``vmap.txt``).
"""

from __future__ import annotations

import hashlib
import heapq
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputTextError, InvalidOptionError
from .marian_tokenizer import TARGET_SPM, load_marian_files
from .model_files import model_directory
from .models import ModelRef, load_tokenizer, not_available_error

# The name CTranslate2's converter gives the map inside a converted model.
VMAP_FILE = "vmap.txt"
CORPUS_SEPARATOR = "\t"


@dataclass(frozen=True)
class ShortlistSettings:
    """How big the map is. Bergamot's students decode with Marian's ``--shortlist lex.s2t 50 50``
    (the 50 most frequent target tokens, and the 50 best per source token from word alignments);
    co-occurrence is a cruder score than alignment, so the frequent tokens get a wider margin."""

    candidates: int = 50
    frequent: int = 300
    # Memory bound on a big corpus: every ``prune_every`` pairs, each source token keeps the
    # ``keep_per_source`` targets seen with it most (the best candidates are among them).
    prune_every: int = 20_000
    keep_per_source: int = 2_000

    def validate(self) -> None:
        if self.candidates < 1:
            raise InvalidOptionError(f"candidates must be 1 or more, got {self.candidates}")
        if self.frequent < 0:
            raise InvalidOptionError(f"frequent must be 0 or more, got {self.frequent}")
        if self.prune_every < 1 or self.keep_per_source < self.candidates:
            raise InvalidOptionError("prune_every must be 1 or more and keep_per_source at least candidates")


@dataclass(frozen=True)
class Shortlist:
    """A vocabulary map: target candidates per source token, and the ones always allowed."""

    rules: dict[str, tuple[str, ...]]
    always: tuple[str, ...]
    pairs: int = 0  # the corpus pairs it was learnt from

    def text(self) -> str:
        """CTranslate2's format; the always-allowed line first, then sources in order."""
        lines = [CORPUS_SEPARATOR + " ".join(self.always)]
        lines += [f"{source}{CORPUS_SEPARATOR}{' '.join(targets)}" for source, targets in sorted(self.rules.items())]
        return "\n".join(lines) + "\n"

    def allowed(self, source_tokens: Iterable[str]) -> set[str]:
        """The target tokens CTranslate2 lets a batch with these source tokens produce."""
        allowed = set(self.always)
        for token in source_tokens:
            allowed.update(self.rules.get(token, ()))
        return allowed

    @property
    def mean_candidates(self) -> float:
        return sum(len(targets) for targets in self.rules.values()) / max(len(self.rules), 1)


def read_corpus(corpus: Path, english: Path | None = None) -> list[tuple[str, str]]:
    """The (French, English) pairs of ``corpus``: a file of ``french<TAB>english`` lines, or,
    with ``english``, a French file and an English file of as many lines (line n of one is the
    translation of line n of the other). Pairs with an empty side are skipped."""
    french_lines = _lines(corpus)
    if english is None:
        pairs = []
        for number, line in enumerate(french_lines, start=1):
            if not line.strip():
                continue
            if CORPUS_SEPARATOR not in line:
                raise InputTextError(
                    f"{corpus}, line {number}: no tab; a single corpus file needs french<TAB>english "
                    "lines (or give the English side as its own file with --english)"
                )
            french, _, translation = line.partition(CORPUS_SEPARATOR)
            pairs.append((french, translation))
    else:
        english_lines = _lines(english)
        if len(french_lines) != len(english_lines):
            raise InputTextError(
                f"{corpus} has {len(french_lines)} lines but {english} has {len(english_lines)}: "
                "the two files need one French and one English line per pair, in the same order"
            )
        pairs = list(zip(french_lines, english_lines))
    pairs = [(french.strip(), translation.strip()) for french, translation in pairs]
    pairs = [(french, translation) for french, translation in pairs if french and translation]
    if not pairs:
        raise InputTextError(f"{corpus} holds no pair of non-empty French and English lines")
    return pairs


def _lines(path: Path) -> list[str]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputTextError(f"no such corpus file: {path}") from None
    except UnicodeDecodeError as error:
        raise InputTextError(f"{path} is not UTF-8 text ({error})") from None
    return text.splitlines()


class PairTokenizer:
    """A Marian model's tokens as CTranslate2 sees them: source side through source.spm,
    target side through target.spm, both through the model's vocabulary (no transformers)."""

    def __init__(self, ref: ModelRef) -> None:
        import sentencepiece

        directory = model_directory(ref)
        if directory is None:  # a hub model not downloaded yet: the usual error and its fixes
            raise not_available_error(ref, FileNotFoundError("its files are not on this machine"))
        files = load_marian_files(directory)
        if files is None:
            raise InvalidOptionError(
                f"shortlists are for MarianMT models on disk (source.spm, target.spm, vocab.json); {ref.describe()} is not one"
            )
        self.source = load_tokenizer(ref, native=True)
        self.target = sentencepiece.SentencePieceProcessor(model_file=str(directory / TARGET_SPM))
        self.unk = files.unk_token
        self.eos = files.eos_token
        self.vocab = files.vocab

    def source_tokens(self, text: str) -> list[str]:
        ids = self.source(text, add_special_tokens=False)["input_ids"]
        return [token for token in self.source.convert_ids_to_tokens(ids) if token != self.unk]

    def target_tokens(self, text: str) -> list[str]:
        pieces = self.target.encode(text, out_type=str)
        return [piece for piece in pieces if piece in self.vocab]


def build_shortlist(
    pairs: Sequence[tuple[str, str]], tokenizer: PairTokenizer, settings: ShortlistSettings = ShortlistSettings()
) -> Shortlist:
    """Learn the map from ``pairs`` (see the module's docstring)."""
    settings.validate()
    if not pairs:
        raise InputTextError("a shortlist needs at least one French/English pair")
    source_counts: Counter[str] = Counter()  # pairs holding each source token
    target_counts: Counter[str] = Counter()  # pairs holding each target token
    target_frequency: Counter[str] = Counter()  # occurrences of each target token
    together: dict[str, Counter[str]] = {}
    for number, (french, english) in enumerate(pairs, start=1):
        targets = tokenizer.target_tokens(english)
        target_frequency.update(targets)
        target_set = set(targets)
        target_counts.update(target_set)
        sources = set(tokenizer.source_tokens(french))
        source_counts.update(sources)
        for source in sources:
            together.setdefault(source, Counter()).update(target_set)
        if number % settings.prune_every == 0:
            _prune(together, settings.keep_per_source)
    rules = {
        source: _best_targets(source_counts[source], row, target_counts, settings.candidates)
        for source, row in together.items()
        if _is_token(source)
    }
    frequent = [token for token, _ in _ranked(target_frequency) if _is_token(token)][: settings.frequent]
    specials = [tokenizer.eos, tokenizer.unk]
    always = tuple(dict.fromkeys([*specials, *frequent]))
    return Shortlist({source: targets for source, targets in rules.items() if targets}, always, len(pairs))


def _prune(together: dict[str, Counter[str]], keep: int) -> None:
    """Each source token's ``keep`` most frequent companions (counts kept as they are)."""
    for source, row in together.items():
        if len(row) > keep:
            together[source] = Counter(dict(row.most_common(keep)))


def _best_targets(count: int, row: Counter[str], target_counts: Counter[str], limit: int) -> tuple[str, ...]:
    """The ``limit`` targets with the highest Dice coefficient 2·c(s,t) / (c(s) + c(t)),
    ties broken by co-occurrence, then alphabetically (the same map for the same corpus)."""
    scored = heapq.nsmallest(
        limit,
        ((-2 * together / (count + target_counts[target]), -together, target) for target, together in row.items() if _is_token(target)),
    )
    return tuple(target for _, _, target in scored)


def _ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _is_token(token: str) -> bool:
    """Whether the map's format can hold ``token`` (it splits on spaces and tabs)."""
    return bool(token) and not any(ch.isspace() for ch in token)


def write_shortlist(shortlist: Shortlist, output: Path) -> Path:
    """Write the map to ``output`` atomically (a reader sees the old file or the new one)."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(shortlist.text())
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return output


def read_shortlist(path: Path) -> Shortlist:
    """A map in CTranslate2's format (as ``write_shortlist`` writes it, or any other)."""
    rules: dict[str, tuple[str, ...]] = {}
    always: tuple[str, ...] = ()
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        source, separator, targets = line.partition(CORPUS_SEPARATOR)
        if not separator:
            raise InvalidOptionError(f"{path}, line {number}: not a vocabulary map line (source<TAB>targets)")
        if source:
            rules[source] = tuple(targets.split())
        else:
            always = tuple(targets.split())
    return Shortlist(rules, always)


def shortlist_digest(path: Path) -> str:
    """The map's content hash: a model converted with another map (or none) is another model."""
    return hashlib.sha256(check_shortlist_file(path).read_bytes()).hexdigest()


def check_shortlist_file(path: Path | str) -> Path:
    """``path`` as a Path, or a clear error when there is no such file."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise InvalidOptionError(f"no vocabulary shortlist at {path}; make one with `passerelle shortlist build`")
    return path


def build_shortlist_file(
    model: ModelRef,
    corpus: Path,
    output: Path,
    english: Path | None = None,
    settings: ShortlistSettings = ShortlistSettings(),
) -> Shortlist:
    """``read_corpus``, ``build_shortlist`` with ``model``'s tokenizers, ``write_shortlist``."""
    settings.validate()
    pairs = read_corpus(corpus, english)
    tokenizer = PairTokenizer(model)
    shortlist = build_shortlist(pairs, tokenizer, settings)
    write_shortlist(shortlist, output)
    return shortlist
