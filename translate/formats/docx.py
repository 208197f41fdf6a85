"""Word (.docx) in, Word out, through python-docx.

Every paragraph is a block: the body's (tables, nested tables and text boxes included) and
each distinct header's and footer's. In a paragraph, the runs in its most common formatting
are plain text; runs formatted otherwise (bold, italic, another font...) and hyperlinks are
inline marks, put back around their translated words with their own formatting and target;
a paragraph with more than MAX_MARKS_PER_PARAGRAPH marks is read in one formatting (its links
kept), since each mark costs translations of its own. Paragraph properties (style,
numbering, alignment), tables, sections, images, fields and tracked changes are kept as
they are; so is every paragraph without text. The file is checked before it is opened: a
zip bomb, an old binary .doc, an encrypted file, XML that is not well-formed or any part
declaring a DOCTYPE (entities, XXE) is refused with a clear error, found by parsing every
XML part without DTD, entities or network (not by scanning bytes).
"""

from __future__ import annotations

import copy
import io
import itertools
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from lxml import etree

from ..errors import InputTextError
from .base import Form
from .inline import Atom, Block, Close, Open, Part

MAX_MEMBERS = 2_000
MAX_UNPACKED_BYTES = 200_000_000
MAX_RATIO = 100  # a member unpacking to more than this many times its packed size...
RATIO_FLOOR_BYTES = 10_000_000  # ...and to more than this is a bomb, not a document
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
ZIP_ENCRYPTED = 0x1  # a zip member's flag bit: encrypted with a password
# Every part is parsed with these before python-docx sees it: no DTD, no entities, no network,
# no unbounded text nodes or depth (python-docx's own parsers resolve no entities either).
SAFE_PARSER_OPTIONS: dict[str, bool] = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}
XML_SUFFIXES = (".xml", ".rels")
CONTENT_TYPES = "[Content_Types].xml"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT_CHILDREN = {f"{W}{name}" for name in ("t", "tab", "br", "cr", "rPr", "noBreakHyphen", "softHyphen", "lastRenderedPageBreak")}
DROPPED = {f"{W}proofErr"}  # spelling-check marks: Word puts them back itself
# Run properties that do not change how French text looks (language, spell-check,
# complex-script twins): runs differing only in them are one formatting.
UNSEEN_PROPERTIES = {f"{W}{name}" for name in ("lang", "noProof", "bCs", "iCs", "szCs")}
# Beyond this many marks, a paragraph costs one translation per mark and per run between
# them: its runs are then read in one formatting (links kept), so cost stays per paragraph.
MAX_MARKS_PER_PARAGRAPH = 16
PLAIN, RUN, LINK, ATOM = "plain", "run", "link", "atom"  # what a paragraph's child is to the translator
FormatKey = tuple[Any, ...]


def check_package(data: bytes, name: str) -> None:
    """Refuse, before python-docx reads it, what is not a plain .docx package: every XML part
    is parsed here first, so a DOCTYPE is found wherever and in whatever encoding it is."""
    if data.startswith(OLE_MAGIC):
        raise InputTextError(f"{name}: an old Word .doc or an encrypted document, not a .docx; save it as .docx (not protected)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise InputTextError(f"{name}: not a Word .docx file (it is not a zip package)") from error
    with archive:
        _check_sizes(archive.infolist(), name)
        if "word/document.xml" not in archive.namelist():
            raise InputTextError(f"{name}: not a Word document (no word/document.xml in the package)")
        for member in _xml_members(archive, name):
            _parse_safely(archive, member, name)


def _check_sizes(members: list[zipfile.ZipInfo], name: str) -> None:
    """Refuse zip bombs and encrypted parts from the zip directory alone (nothing unpacked)."""
    if len(members) > MAX_MEMBERS:
        raise InputTextError(f"{name}: {len(members):,} parts in the package is over the limit of {MAX_MEMBERS:,}")
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise InputTextError(f"{name}: unpacks to more than {MAX_UNPACKED_BYTES // 1_000_000} MB; refused (zip bomb?)")
    for member in members:
        if member.file_size > RATIO_FLOOR_BYTES and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            ratio = member.file_size // member.compress_size
            raise InputTextError(f"{name}: {member.filename} unpacks {ratio}x; refused (zip bomb?)")
        if member.flag_bits & ZIP_ENCRYPTED:
            raise InputTextError(f"{name}: {member.filename} is encrypted; save the document without a password")


def _xml_members(archive: zipfile.ZipFile, name: str) -> list[zipfile.ZipInfo]:
    """The parts read as XML: by their name, or by their content type (python-docx parses a
    part by its type, whatever it is called)."""
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    if CONTENT_TYPES in archive.namelist():
        for entry in _parse_safely(archive, archive.getinfo(CONTENT_TYPES), name).getroot():
            if entry.tag == f"{CT}Default":
                defaults[entry.get("Extension", "").lower()] = entry.get("ContentType", "")
            elif entry.tag == f"{CT}Override":
                overrides[entry.get("PartName", "").lower()] = entry.get("ContentType", "")
    found = []
    for member in archive.infolist():
        path = member.filename.lower()
        kind = overrides.get(f"/{path}", defaults.get(path.rpartition(".")[2], ""))
        if member.filename != CONTENT_TYPES and (path.endswith(XML_SUFFIXES) or kind.lower().endswith("xml")):
            found.append(member)
    return found


def _parse_safely(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> Any:
    """The part parsed without DTD, entities or network; refused if it declares a DOCTYPE
    (python-docx would keep its entity references and write back XML that does not reopen)."""
    parser = etree.XMLParser(**SAFE_PARSER_OPTIONS)
    try:
        with archive.open(member) as stream:
            tree = etree.parse(stream, parser)
    except etree.XMLSyntaxError as error:
        raise InputTextError(f"{name}: {member.filename} is not well-formed XML ({error}); refused") from error
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise InputTextError(f"{name}: {member.filename} cannot be unpacked ({error}); the file is damaged") from error
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise InputTextError(f"{name}: {member.filename} declares a DOCTYPE (DTD, entities); refused")
    return tree


class DocxForm(Form):
    kind: ClassVar[str] = "docx"
    suffixes: ClassVar[tuple[str, ...]] = (".docx",)
    media_type: ClassVar[str] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    binary: ClassVar[bool] = True

    def __init__(self, document: Any) -> None:
        self.document = document
        built = [(block, simplified) for block, simplified in map(_block, _paragraphs(document)) if block.translatable()]
        super().__init__([block for block, _ in built])
        self.notes.extend(_notes(sum(simplified for _, simplified in built)))

    @classmethod
    def parse(cls, data: str | bytes, name: str) -> DocxForm:
        if isinstance(data, str):
            raise InputTextError(f"{name}: a Word file is read as bytes")
        check_package(data, name)
        import docx
        from docx.opc.exceptions import PackageNotFoundError

        try:
            return cls(docx.Document(io.BytesIO(data)))
        except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError, zipfile.BadZipFile, zlib.error) as error:
            raise InputTextError(f"{name}: this Word file cannot be read ({error})") from error

    def render(self, translated: list[list[Part]]) -> bytes:
        for block, parts in zip(self.blocks, translated, strict=True):
            if parts is not block.parts:
                _rewrite(block.tag, parts)
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()


def _notes(simplified: int) -> list[str]:
    """What the reader should know about how the file was read."""
    if not simplified:
        return []
    return [
        f"{simplified} paragraph(s) with more than {MAX_MARKS_PER_PARAGRAPH} differently formatted spans"
        " come back in their most common formatting (their links kept)"
    ]


def _paragraphs(document: Any) -> Iterator[Any]:
    """Every w:p of the body, then of each distinct header and footer part."""
    yield from document.element.body.iter(f"{W}p")
    seen: set[int] = set()
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer,
                     section.even_page_header, section.even_page_footer):  # fmt: skip
            if part.is_linked_to_previous or id(part.part) in seen:
                continue
            seen.add(id(part.part))
            yield from part._element.iter(f"{W}p")


def _run_text(run: Any) -> str:
    from docx.text.run import Run

    return str(Run(run, None).text)  # type: ignore[arg-type]  # a detached run: no story part to reach


def _is_text_run(element: Any) -> bool:
    return element.tag == f"{W}r" and all(child.tag in TEXT_CHILDREN for child in element)


def _format_key(run: Any) -> FormatKey:
    """How a run looks: its properties, less those that do not show in French text (Word
    splits runs on them, and each split would be a mark of its own)."""
    properties = run.find(f"{W}rPr")
    if properties is None:
        return ()
    return tuple(_shape(child) for child in properties if child.tag not in UNSEEN_PROPERTIES)


def _shape(element: Any) -> FormatKey:
    """An element as plain values: compared and hashed like its XML, but small (its XML
    would repeat every namespace declared by the document, kilobytes per run)."""
    return (element.tag, tuple(sorted(element.items())), element.text, tuple(_shape(child) for child in element))


@dataclass(frozen=True)
class _Piece:
    """A paragraph's child as the translator sees it: PLAIN text (the common formatting), a
    RUN or a LINK mark, or an ATOM kept as it is."""

    kind: str
    element: Any
    text: str = ""
    key: FormatKey = ()


def _block(paragraph: Any) -> tuple[Block, bool]:
    """A paragraph's parts: plain text in its most common formatting, marks for runs
    formatted otherwise and for hyperlinks, atoms for the rest (images, fields, changes);
    and whether it had too many marks, so that its formatting was simplified."""
    children = [child for child in paragraph if child.tag != f"{W}pPr" and child.tag not in DROPPED]
    pieces = _pieces(children)
    template = next((piece.element for piece in pieces if piece.kind == PLAIN), None)
    groups = _groups(pieces)
    simplified = sum(group[0].kind in (RUN, LINK) for group in groups) > MAX_MARKS_PER_PARAGRAPH
    if simplified:
        groups = _groups(_simplified(pieces))
    return Block(_parts(groups), tag=(paragraph, template), marker=_marker(paragraph)), simplified


def _pieces(children: list[Any]) -> list[_Piece]:
    """Each child classified, every run's formatting and text read once (one copy of each
    formatting kept, however many runs share it)."""
    formats: dict[FormatKey, FormatKey] = {}
    runs: dict[int, tuple[FormatKey, str]] = {}
    for child in children:
        if _is_text_run(child):
            key = _format_key(child)
            runs[id(child)] = (formats.setdefault(key, key), _run_text(child))
    counts: Counter[FormatKey] = Counter()
    for key, text in runs.values():
        counts[key] += len(text)
    dominant = max(counts, key=counts.__getitem__) if counts else None
    pieces = []
    for child in children:
        if id(child) in runs:
            key, text = runs[id(child)]
            pieces.append(_Piece(PLAIN if key == dominant else RUN, child, text, key))
        elif child.tag == f"{W}hyperlink" and all(_is_text_run(run) for run in child):
            pieces.append(_Piece(LINK, child, "".join(_run_text(run) for run in child)))
        else:
            pieces.append(_Piece(ATOM, child))
    return pieces


def _simplified(pieces: list[_Piece]) -> list[_Piece]:
    """Every run's text in the common formatting; links kept as marks up to the limit, the
    others as they are (their text untranslated, their target kept)."""
    out = []
    links = 0
    for piece in pieces:
        if piece.kind == RUN:
            piece = _Piece(PLAIN, piece.element, piece.text)
        elif piece.kind == LINK:
            links += 1
            piece = piece if links <= MAX_MARKS_PER_PARAGRAPH else _Piece(ATOM, piece.element)
        out.append(piece)
    return out


def _groups(pieces: list[_Piece]) -> list[list[_Piece]]:
    """Pieces that make one part: plain text in a row, runs of one formatting in a row (one
    mark); each link and atom alone."""
    return [list(group) for _, group in itertools.groupby(pieces, key=_together)]


def _together(piece: _Piece) -> tuple[str, object]:
    """What a piece shares with its neighbours in one part."""
    if piece.kind == PLAIN:
        return (PLAIN, None)
    return (RUN, piece.key) if piece.kind == RUN else (piece.kind, id(piece.element))


def _parts(groups: list[list[_Piece]]) -> list[Part]:
    """The block's parts, each group's text joined once (no copying per run)."""
    parts: list[Part] = []
    for group in groups:
        first, text = group[0], "".join(piece.text for piece in group)
        if first.kind == PLAIN:
            parts.append(text)
        elif first.kind == ATOM:
            parts.append(Atom(first.element))
        else:
            opening = Open(first.element)
            parts += [opening, text, Close(opening)]
    return parts


def _marker(paragraph: Any) -> str:
    properties = paragraph.find(f"{W}pPr")
    if properties is None:
        return ""
    style = properties.find(f"{W}pStyle")
    name = style.get(f"{W}val", "") if style is not None else ""
    if name.lower().startswith("heading") and name[-1:].isdigit():
        return "#" * min(int(name[-1]), 6) + " "
    if name.lower() == "title":
        return "# "
    return "- " if properties.find(f"{W}numPr") is not None or name.lower().startswith("list") else ""


def _text_run(template: Any, text: str) -> Any:
    """A copy of ``template`` (a run, formatting included) holding ``text``."""
    from docx.text.run import Run

    run = copy.deepcopy(template)
    for child in list(run):
        if child.tag != f"{W}rPr":
            run.remove(child)
    Run(run, None).text = text  # type: ignore[arg-type]  # a detached run: no story part to reach
    return run


def _rewrite(tag: tuple[Any, Any], parts: list[Part]) -> None:
    """The paragraph's content replaced by ``parts``: plain text in runs like its most
    common one, each mark's text in a copy of its own run or hyperlink, atoms as they were."""
    paragraph, template = tag
    if template is None:
        template = etree.SubElement(paragraph, f"{W}r")
    kept = [child for child in paragraph if child.tag == f"{W}pPr"]
    for child in list(paragraph):
        if child not in kept:
            paragraph.remove(child)
    current: Open | None = None
    for part in parts:
        if isinstance(part, Open):
            current = part
        elif isinstance(part, Close):
            current = None
        elif isinstance(part, Atom):
            paragraph.append(part.markup)
        elif current is None:
            paragraph.append(_text_run(template, part))
        elif current.markup.tag == f"{W}hyperlink":
            link = copy.deepcopy(current.markup)
            runs = list(link)
            for run in runs:
                link.remove(run)
            link.append(_text_run(runs[0], part) if runs else _text_run(template, part))
            paragraph.append(link)
        else:
            paragraph.append(_text_run(current.markup, part))
