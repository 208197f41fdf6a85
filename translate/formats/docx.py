"""Word (.docx) in, Word out, through python-docx.

Every paragraph is a block: the body's (tables, nested tables and text boxes included) and
each distinct header's and footer's. In a paragraph, the runs in its most common formatting
are plain text; runs formatted otherwise (bold, italic, another font...) and hyperlinks are
inline marks, put back around their translated words with their own formatting and target.
Paragraph properties (style, numbering, alignment), tables, sections, images, fields and
tracked changes are kept as they are; so is every paragraph without text. The file is
checked before it is opened: a zip bomb, an old binary .doc, an encrypted file or XML
declaring entities (XXE) is refused with a clear error.
"""

from __future__ import annotations

import copy
import io
import zipfile
from typing import Any, ClassVar, Iterator

from lxml import etree

from ..errors import InputTextError
from .base import Form
from .inline import Atom, Block, Close, Open, Part

MAX_MEMBERS = 2_000
MAX_UNPACKED_BYTES = 200_000_000
MAX_RATIO = 100  # a member unpacking to more than this many times its packed size...
RATIO_FLOOR_BYTES = 10_000_000  # ...and to more than this is a bomb, not a document
XML_PROLOG_BYTES = 4_096
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT_CHILDREN = {f"{W}{name}" for name in ("t", "tab", "br", "cr", "rPr", "noBreakHyphen", "softHyphen", "lastRenderedPageBreak")}
DROPPED = {f"{W}proofErr"}  # spelling-check marks: Word puts them back itself


def check_package(data: bytes, name: str) -> None:
    """Refuse, before any XML is parsed, what is not a plain .docx package."""
    if data.startswith(OLE_MAGIC):
        raise InputTextError(f"{name}: an old Word .doc or an encrypted document, not a .docx; save it as .docx (not protected)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise InputTextError(f"{name}: not a Word .docx file (it is not a zip package)") from error
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise InputTextError(f"{name}: {len(members):,} parts in the package is over the limit of {MAX_MEMBERS:,}")
        if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
            raise InputTextError(f"{name}: unpacks to more than {MAX_UNPACKED_BYTES // 1_000_000} MB; refused (zip bomb?)")
        for member in members:
            if member.file_size > RATIO_FLOOR_BYTES and member.file_size > MAX_RATIO * max(member.compress_size, 1):
                raise InputTextError(f"{name}: {member.filename} unpacks {member.file_size // member.compress_size}x; refused (zip bomb?)")
        if "word/document.xml" not in archive.namelist():
            raise InputTextError(f"{name}: not a Word document (no word/document.xml in the package)")
        for member in members:
            if member.filename.endswith((".xml", ".rels")):
                with archive.open(member) as stream:
                    if b"<!doctype" in stream.read(XML_PROLOG_BYTES).lower():
                        raise InputTextError(f"{name}: {member.filename} declares a DOCTYPE (entities); refused")


class DocxForm(Form):
    kind: ClassVar[str] = "docx"
    suffixes: ClassVar[tuple[str, ...]] = (".docx",)
    media_type: ClassVar[str] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    binary: ClassVar[bool] = True

    def __init__(self, document: Any) -> None:
        self.document = document
        blocks = [block for paragraph in _paragraphs(document) if (block := _block(paragraph)).translatable()]
        super().__init__(blocks)

    @classmethod
    def parse(cls, data: str | bytes, name: str) -> "DocxForm":
        if isinstance(data, str):
            raise InputTextError(f"{name}: a Word file is read as bytes")
        check_package(data, name)
        import docx
        from docx.opc.exceptions import PackageNotFoundError

        try:
            return cls(docx.Document(io.BytesIO(data)))
        except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError, zipfile.BadZipFile) as error:
            raise InputTextError(f"{name}: this Word file cannot be read ({error})") from error

    def render(self, translated: list[list[Part]]) -> bytes:
        for block, parts in zip(self.blocks, translated, strict=True):
            if parts is not block.parts:
                _rewrite(block.tag, parts)
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()


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

    return str(Run(run, None).text)


def _is_text_run(element: Any) -> bool:
    return element.tag == f"{W}r" and all(child.tag in TEXT_CHILDREN for child in element)


def _format_key(run: Any) -> bytes:
    properties = run.find(f"{W}rPr")
    return b"" if properties is None else etree.tostring(properties)


def _block(paragraph: Any) -> Block:
    """A paragraph's parts: plain text in its most common formatting, marks for runs
    formatted otherwise and for hyperlinks, atoms for the rest (images, fields, changes)."""
    children = [child for child in paragraph if child.tag != f"{W}pPr" and child.tag not in DROPPED]
    counts: dict[bytes, int] = {}
    for child in children:
        if _is_text_run(child):
            counts[_format_key(child)] = counts.get(_format_key(child), 0) + len(_run_text(child))
    dominant = max(counts, key=counts.__getitem__) if counts else b""
    parts: list[Part] = []
    for child in children:
        if _is_text_run(child) and _format_key(child) == dominant:
            _append_text(parts, _run_text(child))
        elif _is_text_run(child) or (child.tag == f"{W}hyperlink" and all(_is_text_run(r) for r in child)):
            text = "".join(_run_text(r) for r in child) if child.tag == f"{W}hyperlink" else _run_text(child)
            previous = _last_mark(parts)
            if previous is not None and child.tag == f"{W}r" and _format_key(previous.markup) == _format_key(child):
                parts[-2] = f"{parts[-2]}{text}"  # the same formatting continued: one mark
                continue
            opening = Open(child)
            parts += [opening, text, Close(opening)]
        else:
            parts.append(Atom(child))
    template = next((c for c in children if _is_text_run(c) and _format_key(c) == dominant), None)
    return Block(parts, tag=(paragraph, template), marker=_marker(paragraph))


def _append_text(parts: list[Part], text: str) -> None:
    if parts and isinstance(parts[-1], str):
        parts[-1] += text
    else:
        parts.append(text)


def _last_mark(parts: list[Part]) -> Open | None:
    """The mark that ends the parts, if the last part closes a run's mark."""
    if len(parts) >= 3 and isinstance(parts[-1], Close) and parts[-1].opening.markup.tag == f"{W}r":
        return parts[-1].opening
    return None


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
    Run(run, None).text = text
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
