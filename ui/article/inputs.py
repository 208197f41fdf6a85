"""Turning what users hand in (pasted text, uploaded or listed files) into clean article text,
or a specific error that says what is wrong with it."""

from __future__ import annotations

import html
import re
import stat
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO

from passerelle.translate import InputTextError, PasserelleError
from passerelle.translate.formats import Form, HtmlForm, form_for
from passerelle.translate.formats.article import article_html
from passerelle.translate.formats.base import BOMS

_HTML_SNIFF = re.compile(r"<\s*(html|body|p|div|article|h[1-6]|br)\b[^>]*>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# charset-normalizer's "chaos" above which a decoding is more likely noise than text.
MAX_CHAOS = 0.2
MIN_TEXT_RATIO = 0.85
ORDINARY_PUNCTUATION = set(".,;:!?'\"«»“”‘’()[]{}-–—…/%&@#*+=<>_|$€£°§~^`\\")
# What French text in Windows-1252 has beyond ASCII; a decoding full of other signs is not it.
FRENCH_CHARACTERS = frozenset("àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ«»‘’“”…–—•°€©®™·\u00a0")
MIN_FRENCH_SHARE = 0.9
FORM_NAMES = {
    "html": "HTML markup",
    "markdown": "Markdown markup",
    "docx": "Word layout",
    "srt": "subtitle timings",
    "vtt": "subtitle timings",
}
MAX_FOREIGN_SHARE = 0.25


class ArticleInputError(PasserelleError, ValueError):
    """An input that cannot become article text; the message says why and what to do."""

    http_status = 400


@dataclass
class ArticleText:
    """An input's text as the translator reads it; ``form``: the parsed document when the
    input is a format that is translated back into itself (HTML, Markdown, Word, subtitles)."""

    text: str
    encoding: str = "utf-8"
    notes: list[str] = field(default_factory=list)
    form: Form | None = None


class _HTMLToText(HTMLParser):
    """Keeps the readable text of a page: block elements become paragraphs, headings and
    list items keep Markdown markers, scripts and styles are dropped."""

    BLOCKS = {"p", "div", "article", "section", "blockquote", "br", "tr", "table", "ul", "ol", "header", "footer"}
    SKIP = {"script", "style", "noscript", "template", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self.parts.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS or re.fullmatch(r"h[1-6]", tag):
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        joined = "".join(self.parts)
        lines = [line.strip() for line in joined.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def looks_like_html(text: str) -> bool:
    return len(_HTML_SNIFF.findall(text[:20_000])) >= 2


def html_to_text(markup: str) -> str:
    parser = _HTMLToText()
    parser.feed(markup)
    parser.close()
    return html.unescape(parser.text())


def _mostly_text(text: str) -> bool:
    """Letters, digits, spaces and ordinary punctuation make up nearly all of real text."""
    sample = text[:20_000]
    if not sample:
        return True
    ordinary = sum(1 for ch in sample if ch.isalnum() or ch.isspace() or ch in ORDINARY_PUNCTUATION)
    return ordinary / len(sample) >= MIN_TEXT_RATIO


def decode_bytes(data: bytes, name: str = "input") -> tuple[str, str]:
    """The text and the encoding it was in; binary data and undecodable bytes are refused."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding, errors="strict"), encoding
            except UnicodeDecodeError as error:
                raise ArticleInputError(
                    f"{name}: starts with a {encoding.upper()} byte-order mark, but its bytes are not valid "
                    f"{encoding.upper()} ({error.reason} at byte {error.start + len(bom)}); save it again as UTF-8"
                ) from None
    if b"\x00" in data[:8192]:
        raise ArticleInputError(f"{name}: this looks like a binary file (it contains NUL bytes), not text")
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        text, encoding = _decode_legacy(data, name, error)
    if not _mostly_text(text):
        raise ArticleInputError(f"{name}: this looks like a binary file, not text")
    return text, encoding


def _decode_legacy(data: bytes, name: str, utf8_error: UnicodeDecodeError) -> tuple[str, str]:
    """French text that is not UTF-8 is nearly always Windows-1252 (a superset of Latin-1's
    printable range): taken when what it gives reads as French, else a clear error naming the
    encodings tried (a general guesser, on a short text, lands on the wrong code page and
    turns the article into mojibake without a word)."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is not None and plausible_french(text):
        return text, "cp1252"
    guess = _likely_encoding(data)
    hint = f" It looks like {guess}." if guess else ""
    raise ArticleInputError(
        f"{name}: not valid UTF-8 ({utf8_error.reason} at byte {utf8_error.start}), and not French text in "
        f"Windows-1252 either (tried: UTF-8, Windows-1252).{hint} Convert it to UTF-8, e.g. "
        f"`iconv -f {guess or 'ENCODING'} -t utf-8 FILE`."
    )


def plausible_french(text: str) -> bool:
    """Whether the letters outside ASCII are the ones French uses (é, à, ç, œ, «...), and few."""
    foreign = [ch for ch in text if ord(ch) > 127 and not ch.isspace()]
    letters = sum(1 for ch in text if ch.isalpha())
    if not foreign:
        return True
    french = sum(1 for ch in foreign if ch in FRENCH_CHARACTERS)
    return french / len(foreign) >= MIN_FRENCH_SHARE and len(foreign) <= MAX_FOREIGN_SHARE * max(letters, 1)


def _likely_encoding(data: bytes) -> str | None:
    """A hint for the error message only: what a general guesser thinks the bytes are."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return None if best is None or best.chaos > MAX_CHAOS else str(best.encoding)


def clean_text(text: str, name: str, max_chars: int, as_html: bool | None = None) -> ArticleText:
    """Normalised article text: newlines unified, HTML reduced to text, limits enforced."""
    notes: list[str] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if as_html or (as_html is None and looks_like_html(text)):
        text = html_to_text(text)
        notes.append("HTML markup was removed; only the readable text is translated")
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
        notes.append("control characters were removed")
    if not text.strip():
        raise ArticleInputError(f"{name}: the text is empty; there is nothing to translate")
    if len(text) > max_chars:
        raise ArticleInputError(
            f"{name}: {len(text):,} characters is over the limit of {max_chars:,}; split it into several files or raise the limit"
        )
    return ArticleText(text, notes=notes)


def read_article_bytes(data: bytes, name: str, max_bytes: int, max_chars: int, article_only: bool = False) -> ArticleText:
    """A file's article: a document with a form of its own (by its extension) parsed to be
    written back in that form, any other file read as text. ``article_only``: a web page is
    reduced to its article first."""
    if len(data) > max_bytes:
        raise ArticleInputError(f"{name}: {len(data):,} bytes is over the size limit of {max_bytes:,} bytes")
    kind = form_for(name)
    if kind is not None:
        return _read_document(data, name, kind, max_chars, article_only)
    text, encoding = decode_bytes(data, name)
    article = clean_text(text, name, max_chars)
    article.encoding = encoding
    if encoding != "utf-8":
        article.notes.append(f"decoded as {encoding} (not UTF-8)")
    return article


def _read_document(data: bytes, name: str, kind: type[Form], max_chars: int, article_only: bool) -> ArticleText:
    notes: list[str] = []
    encoding = "binary"
    try:
        if kind.binary:
            form = kind.parse(data, name)
        else:
            content, encoding = decode_bytes(data, name)
            if article_only and issubclass(kind, HtmlForm):
                article = article_html(content)
                notes.append(
                    "only the page's article is translated" if article else "no article found in the page: all of it is translated"
                )
                content = article or content
            form = kind.parse(content, name)
    except InputTextError as error:
        raise ArticleInputError(str(error) if str(error).startswith(name) else f"{name}: {error}") from error
    text = form.article_text()
    notes.extend(form.notes)
    if len(text) > max_chars:
        raise ArticleInputError(f"{name}: {len(text):,} characters of text is over the limit of {max_chars:,}; split it or raise the limit")
    if encoding not in ("utf-8", "binary"):
        notes.append(f"decoded as {encoding} (not UTF-8)")
    if form.translatable():  # else nothing to translate: the file comes back as it is (see untouched_result)
        notes.append(f"{FORM_NAMES.get(kind.kind, kind.kind)} kept: the translation is also a {kind.suffixes[0]} file")
    return ArticleText(text, encoding, notes, form)


def read_bounded(path: Path, max_bytes: int, name: str | None = None) -> bytes:
    """A regular file's bytes, refusing it before reading when it is over the size limit (a
    FIFO, a device or a socket is refused too: reading one can block forever)."""
    name = name or str(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ArticleInputError(f"{name}: not a regular file ({_file_kind(info.st_mode)}); not read")
        if info.st_size > max_bytes:
            raise ArticleInputError(f"{name}: {info.st_size:,} bytes is over the size limit of {max_bytes:,} bytes")
        with path.open("rb") as stream:
            return read_limited(stream, max_bytes, name)
    except OSError as error:
        raise ArticleInputError(f"{name}: cannot be read ({error.strerror or error})") from error


def read_limited(stream: BinaryIO, max_bytes: int, name: str) -> bytes:
    """At most ``max_bytes`` from ``stream`` (standard input, a file that grew): never more in
    memory than the limit and a byte."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ArticleInputError(f"{name}: more than the size limit of {max_bytes:,} bytes")
    return data


def _file_kind(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a directory"))  # fmt: skip
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def read_article_file(path: Path, max_bytes: int, max_chars: int, article_only: bool = False) -> ArticleText:
    """One file's article text, or ArticleInputError naming the file and the problem."""
    return read_article_bytes(read_bounded(path, max_bytes), str(path), max_bytes, max_chars, article_only)
