"""Word files that declare a DOCTYPE are refused at the parser, wherever the declaration sits
and whatever the part's encoding; a valid UTF-16 package comes back as valid XML; and a
paragraph of many differently formatted runs costs translations per paragraph, not per run,
so a document of many runs translates in bounded memory and reopens with its paragraphs."""

from __future__ import annotations

import gc
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from lxml import etree

from passerelle.translate import InputTextError, Translator
from passerelle.translate.formats import DocxForm, Open
from passerelle.translate.formats.docx import MAX_MARKS_PER_PARAGRAPH, SAFE_PARSER_OPTIONS
from passerelle.ui.bench.rss import current_rss_mib, peak_rss_mib

pytestmark = pytest.mark.model

NAME = "rapport.docx"
SENTENCE = "Le conseil municipal a voté le budget des écoles."
LONG_COMMENT = "<!--" + "commentaire " * 440 + "-->"  # over 5 KB before the DOCTYPE
ENTITIES = (  # billion laughs, small: "&c;" would be 8 x 8 "ha"
    '<!DOCTYPE w:document [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
)
WORDS = (
    "la mairie", "a présenté", "un projet", "pour le quartier", "de la gare", "avec les habitants", "et les commerces", "du centre"
)  # fmt: skip
PEAK_GROWTH_MIB = 64  # loose: the tiny model's own batches stay well under this
KEPT_GROWTH_MIB = 32  # what may stay once the form is gone (allocator slack)
CLEAR_PEAK = Path("/proc/self/clear_refs")  # writing "5" resets this process's VmHWM


@pytest.fixture(scope="module")
def translator(marian_fr_en_dir: Path) -> Translator:
    return Translator(str(marian_fr_en_dir), backend="transformers", generation={"num_beams": 1, "max_new_tokens": 8})


def saved(document: docx.document.Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def simple_word_file() -> bytes:
    document = docx.Document()
    document.add_paragraph(SENTENCE)
    document.add_paragraph("Les transports restent gratuits le dimanche.")
    return saved(document)


def repacked(data: bytes, change: Callable[[str, bytes], bytes], extra: dict[str, bytes] | None = None) -> bytes:
    """The package with each member passed through ``change`` (and ``extra`` members added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member.filename, change(member.filename, source.read(member)))
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def reencoded(xml: bytes, encoding: str, after_declaration: str = "") -> bytes:
    """A part re-encoded (its XML declaration saying so), ``after_declaration`` inserted."""
    head, _, body = xml.decode("utf-8").partition("?>")
    label = "UTF-16" if encoding == "utf-16" else "UTF-8"
    head = re.sub(r"encoding=['\"][^'\"]+['\"]", f'encoding="{label}"', head)
    return f"{head}?>{after_declaration}{body}".encode(encoding)


def only(member: str, change: Callable[[bytes], bytes]) -> Callable[[str, bytes], bytes]:
    return lambda name, xml: change(xml) if name == member else xml


def refused(data: bytes) -> str:
    with pytest.raises(InputTextError) as caught:
        DocxForm.parse(data, NAME)
    return str(caught.value)


@pytest.mark.parametrize(
    "member, encoding, declaration",
    [
        ("word/document.xml", "utf-8", LONG_COMMENT + '<!DOCTYPE w:document [<!ENTITY e "budget">]>'),
        ("word/document.xml", "utf-16", '<!DOCTYPE w:document [<!ENTITY e "budget">]>'),
        ("word/styles.xml", "utf-16", LONG_COMMENT + "<!DOCTYPE w:styles>"),
        ("word/settings.xml", "utf-8-sig", '<!DOCTYPE w:settings SYSTEM "http://exemple.invalid/x.dtd">'),
        ("_rels/.rels", "utf-8", LONG_COMMENT + "<!DOCTYPE Relationships []>"),
        ("[Content_Types].xml", "utf-16", "<!DOCTYPE Types>"),
    ],
)
def test_a_doctype_anywhere_in_any_encoding_is_refused(member: str, encoding: str, declaration: str) -> None:
    data = repacked(simple_word_file(), only(member, lambda xml: reencoded(xml, encoding, declaration)))
    message = refused(data)
    assert message.startswith(f"{NAME}: {member} declares a DOCTYPE")


def test_entity_declarations_are_refused_before_any_expansion() -> None:
    def laughs(xml: bytes) -> bytes:
        return reencoded(xml, "utf-8", ENTITIES).replace(SENTENCE.encode(), b"&c;")

    message = refused(repacked(simple_word_file(), only("word/document.xml", laughs)))
    assert message.startswith(f"{NAME}: word/document.xml declares a DOCTYPE")


def test_a_part_read_as_xml_by_its_content_type_is_checked_too() -> None:
    def typed(xml: bytes) -> bytes:
        return xml.replace(b"<Default ", b'<Default Extension="dat" ContentType="application/xml"/><Default ', 1)

    notes = b'<?xml version="1.0"?><!DOCTYPE notes [<!ENTITY n "note">]><notes>&n;</notes>'
    data = repacked(simple_word_file(), only("[Content_Types].xml", typed), {"word/notes.dat": notes})
    assert refused(data).startswith(f"{NAME}: word/notes.dat declares a DOCTYPE")


def test_an_undeclared_entity_is_refused_as_broken_xml() -> None:
    undeclared = "Le &e; est voté.".encode()
    data = repacked(simple_word_file(), only("word/document.xml", lambda xml: xml.replace(SENTENCE.encode(), undeclared)))
    assert refused(data).startswith(f"{NAME}: word/document.xml is not well-formed XML")


def flagged_encrypted(data: bytes, member: str) -> bytes:
    """The package with ``member``'s password flag set in its local and central headers
    (zipfile writes no encrypted members)."""
    out = bytearray(data)
    for signature, flags_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        at = out.find(signature)
        while at >= 0:
            if out[at + name_at : at + name_at + len(member)] == member.encode():
                out[at + flags_at] |= 0x1
            at = out.find(signature, at + 1)
    return bytes(out)


def test_an_encrypted_part_is_refused_before_it_is_read() -> None:
    data = flagged_encrypted(simple_word_file(), "word/styles.xml")
    assert refused(data).startswith(f"{NAME}: word/styles.xml is encrypted")


def test_a_utf16_package_comes_back_as_valid_xml(translator: Translator) -> None:
    def utf16(name: str, xml: bytes) -> bytes:
        return reencoded(xml, "utf-16") if name.endswith((".xml", ".rels")) else xml

    data = repacked(simple_word_file(), utf16)
    out = DocxForm.parse(data, NAME).translate(translator)
    reopened = docx.Document(io.BytesIO(out))
    assert len(reopened.paragraphs) == 2 and "conseil" not in reopened.paragraphs[0].text
    with zipfile.ZipFile(io.BytesIO(out)) as archive:
        for member in archive.namelist():
            if member.endswith((".xml", ".rels")):
                tree = etree.parse(io.BytesIO(archive.read(member)), etree.XMLParser(**SAFE_PARSER_OPTIONS))
                assert not tree.docinfo.doctype, member


# Many formatted runs -------------------------------------------------------------------------


def add_link(paragraph: docx.text.paragraph.Paragraph, address: str, text: str) -> None:
    target = paragraph.part.relate_to(address, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link, run, words = OxmlElement("w:hyperlink"), OxmlElement("w:r"), OxmlElement("w:t")
    link.set(qn("r:id"), target)
    words.text = text
    run.append(words)
    link.append(run)
    paragraph._p.append(link)


def many_runs(paragraphs: int = 30, runs: int = 48, links: int = 4) -> bytes:
    """Paragraphs whose every run is formatted its own way (size, colour, bold), with links."""
    document = docx.Document()
    for p in range(paragraphs):
        paragraph = document.add_paragraph()
        for r in range(runs):
            run = paragraph.add_run(f"{WORDS[(p + r) % len(WORDS)]} numéro {p * runs + r} ")
            run.bold = r % 2 == 0
            run.font.size = Pt(8 + r % 9)
            run.font.color.rgb = RGBColor(r * 5 % 256, p % 256, 60)
            if r % (runs // links) == 0:
                add_link(paragraph, f"https://ville.exemple/p{p}/{r}", "le détail du projet")
    return saved(document)


def marked(paragraph_runs: int, bold: Callable[[int], bool]) -> bytes:
    """One paragraph: ordinary text with ``paragraph_runs`` short words in between, bold or not."""
    document = docx.Document()
    paragraph = document.add_paragraph()
    for i in range(paragraph_runs):
        paragraph.add_run("les habitants du quartier ont parlé longtemps ")
        paragraph.add_run(f"mot{i} ").bold = bold(i)
    return saved(document)


def marks(form: DocxForm) -> int:
    return sum(isinstance(part, Open) for block in form.blocks for part in block.parts)


def test_marks_over_the_limit_simplify_the_paragraph_with_a_note() -> None:
    at_limit = DocxForm.parse(marked(MAX_MARKS_PER_PARAGRAPH, lambda i: True), NAME)
    assert marks(at_limit) == MAX_MARKS_PER_PARAGRAPH and at_limit.notes == []
    over = DocxForm.parse(marked(MAX_MARKS_PER_PARAGRAPH + 1, lambda i: True), NAME)
    assert marks(over) == 0 and len(over.blocks[0].parts) == 1
    assert over.notes and over.notes[0].startswith("1 paragraph(s) with more than")


def test_runs_differing_only_in_language_or_proofing_are_one_formatting() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph()
    for i, (tag, value) in enumerate([("w:lang", "fr-FR"), ("w:lang", "en-US"), ("w:noProof", None), ("w:szCs", "22")] * 3):
        properties = paragraph.add_run(f"les écoles restent ouvertes {i} ")._r.get_or_add_rPr()
        mark = OxmlElement(tag)
        if value is not None:
            mark.set(qn("w:val"), value)
        properties.append(mark)
    form = DocxForm.parse(saved(document), NAME)
    assert marks(form) == 0 and len(form.blocks[0].parts) == 1


def reset_peak() -> None:
    """This process's peak resident set starts again from now (Linux's clear_refs)."""
    CLEAR_PEAK.write_text("5")


def test_many_formatted_runs_translate_in_bounded_memory(translator: Translator) -> None:
    data = many_runs()
    translator.translate_texts([f"{SENTENCE} {' '.join(WORDS)} {n}" for n in range(32)])  # the model's batches warmed
    sent: list[int] = []

    def translate_many(texts: Sequence[str]) -> list[str]:
        sent.append(len(texts))
        return translator.translate_texts(texts)

    gc.collect()
    before = current_rss_mib()
    reset_peak()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        form = DocxForm.parse(data, NAME)
        out = form.render(form.assemble(translate_many(form.model_texts()), translate_many))
        paragraphs, notes = len(form.blocks), form.notes
        del form
        gc.collect()
    peak, kept = peak_rss_mib() - before, current_rss_mib() - before
    assert not [warning for warning in caught if issubclass(warning.category, ResourceWarning)]
    assert notes and notes[0].startswith(f"{paragraphs} paragraph(s)")
    assert sum(sent) <= paragraphs * (2 * MAX_MARKS_PER_PARAGRAPH + 2), sent  # per paragraph, not per run
    assert peak < PEAK_GROWTH_MIB and kept < KEPT_GROWTH_MIB, (peak, kept)
    source, reopened = docx.Document(io.BytesIO(data)), docx.Document(io.BytesIO(out))
    assert len(reopened.paragraphs) == len(source.paragraphs) == paragraphs
    addresses = [[link.address for link in paragraph.hyperlinks] for paragraph in source.paragraphs]
    assert [[link.address for link in paragraph.hyperlinks] for paragraph in reopened.paragraphs] == addresses
