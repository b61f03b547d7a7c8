"""Stage 1, segment: turn each source text into provisions, its numbered text units.

A source is a plain-text extraction of a PDF (data/sources/*.txt) described by a metadata file
(data/sources/*.toml). The segmenter repairs the extraction artefacts (sentences cut by page
breaks, bold markers, glued lines, the table of contents, the end-of-document mark) and yields, for
each provision, its IRI, class, notation, parent, reading order and verbatim French text.

Two layouts are known:
- "un-report" (A/70/174): cover, note, summary, foreword, letter of transmittal, chapters I-VII
  with paragraphs 1-36, lettered subparagraphs and roman items, and the annex listing the experts;
- "g7-synthesis": cover, introduction, "Norme 1-11" statements and the practice items under each.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .layout import CNO, GRAPH_BY_NAME, PREFIXES, Project

TERMINAL = (".", ";", ":", "!", "?")
ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]


def slug(text: str) -> str:
    """ASCII slug of a name or title: 'Carlos Luís Dantas Coutinho Perez' -> 'carlos-luis-dantas-coutinho-perez'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@dataclass
class Provision:
    iri: str
    kind: str  # local name of a cno: class: Section, Paragraph, Subparagraph, Item, NormStatement
    notation: str
    parent: str  # IRI of the enclosing provision, or of the document
    line: int  # line of the source text where it starts (for messages)
    text: str | None = None  # verbatim text, artefacts repaired
    title: str | None = None  # heading as printed (sections)
    order: int = 0  # position in the document's reading order, from 1


@dataclass
class Source:
    meta_path: Path
    meta: dict
    text_path: Path
    provisions: list[Provision] = field(default_factory=list)

    @property
    def iri(self) -> str:
        return self.meta["iri"]

    @property
    def graph(self) -> str:
        return GRAPH_BY_NAME[self.meta["graph"]].iri


# --------------------------------------------------------------------------- reading


@dataclass
class Block:
    lines: list[str]
    line: int  # source line number of the first line

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def _clean_line(line: str) -> str:
    line = line.rstrip()
    line = re.sub(r"^#+\s+", "", line)  # markdown heading marks
    line = re.sub(r"(?<=\S)\*{2,}(?=[A-ZÀ-ÖØ-Ý])", "\n", line)  # blocks glued by bold marks
    return line.replace("**", "")


def read_blocks(path: Path) -> list[Block]:
    """Paragraph blocks (runs of non-blank lines) with bold marks removed and glued lines split."""
    blocks: list[Block] = []
    current: list[str] = []
    start = 0
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            if current:
                blocks.append(Block(current, start))
                current = []
            continue
        for part in _clean_line(raw).split("\n"):
            if part.strip():
                if not current:
                    start = number
                current.append(part.strip())
    if current:
        blocks.append(Block(current, start))
    return blocks


def _continues(previous: str, block_text: str) -> bool:
    """A block continues the previous unit when a page break cut a sentence: the previous text has
    no final punctuation, or the block starts in lower case."""
    return not previous.endswith(TERMINAL) or block_text[:1].islower()


# --------------------------------------------------------------------------- un-report

FRONT_SECTIONS = {
    "Note du Secrétaire général": "note",
    "Résumé": "summary",
    "Avant-propos du Secrétaire général": "foreword",
    "Lettre d'envoi": "letter",
}
CHAPTER = re.compile(r"^([IVX]+)\. (.+)$")
PARAGRAPH = re.compile(r"^(\d+)\. (.+)$")
SUBPARAGRAPH = re.compile(r"^([a-z])\) (.+)$")
ITEM = re.compile(r"^- ([ivx]+)\) (.+)$")
FOOTNOTE = re.compile(r"^\* (.+)$")
DATE_LINE = re.compile(r"^\d{1,2} \w+ \d{4}$")
SESSIONS = re.compile(r"\(([^()]*sessions?)\)")


class _Writer:
    """Collects provisions in reading order and checks the numbering as it goes."""

    def __init__(self, source: Source):
        self.source = source
        self.where = source.meta_path.parent.name + "/" + source.text_path.name

    def add(self, kind, tail, notation, parent, line, text=None, title=None) -> Provision:
        p = Provision(f"{self.source.iri}/{tail}", kind, notation, parent, line, text, title)
        self.source.provisions.append(p)
        return p

    def fail(self, line, problem, hint="check the source text against the published PDF"):
        raise InputError(f"data/sources/{self.source.text_path.name}", line, problem, hint)


def _segment_un_report(source: Source) -> None:
    w = _Writer(source)
    meta = source.meta
    doc = source.iri
    groups = meta.get("annex_groups", [])
    honorifics = tuple(meta.get("honorifics", []))
    blocks = list(read_blocks(source.text_path))

    # The table of contents is a heading followed by table rows: not part of the text.
    kept: list[Block] = []
    for b in blocks:
        if b.text == "Table des matières" or all(line.startswith("|") for line in b.lines):
            continue
        kept.append(b)
    blocks = kept

    cover_lines: list[str] = []
    cover_line = blocks[0].line if blocks else 1
    section: Provision | None = None  # current front section or chapter
    section_name = "cover"
    counters: dict[str, int] = {}
    last_para = 0
    para: Provision | None = None
    sub: Provision | None = None
    last: Provision | None = None  # the unit a continuation block would extend
    annex_blocks: list[Block] = []

    i = 0
    while i < len(blocks):
        b = blocks[i]
        i += 1
        first = b.lines[0]
        if first == "Annexe":
            annex_blocks = [Block(b.lines[1:], b.line), *blocks[i:]]
            break
        if first in FRONT_SECTIONS:
            section_name = FRONT_SECTIONS[first]
            section = w.add("Section", section_name, section_name, doc, b.line, title=first)
            last = None
            continue
        m = CHAPTER.match(b.text)
        if m and len(b.lines) == 1:
            section_name = "chapter"
            section = w.add("Section", f"chapter/{m.group(1)}", m.group(1), doc, b.line, title=m.group(2))
            last = None
            continue
        m = FOOTNOTE.match(b.text)
        if m:
            cover_lines.append(b.text)
            continue
        if section is None:  # the cover page
            cover_lines.extend(b.lines)
            continue
        if b.text == meta["title"]:  # the report's own title line
            last = None
            continue

        # Units inside a block: a line that opens a paragraph, subparagraph or item starts a unit.
        for offset, line in enumerate(b.lines):
            number = b.line + offset
            if section_name == "chapter":
                if m := PARAGRAPH.match(line):
                    n = int(m.group(1))
                    if n != last_para + 1:
                        w.fail(number, f"paragraph {n} follows paragraph {last_para}")
                    last_para = n
                    para = w.add("Paragraph", f"para/{n}", str(n), section.iri, number, m.group(2))
                    sub = None
                    last = para
                    continue
                if (m := SUBPARAGRAPH.match(line)) and para is not None:
                    letter = m.group(1)
                    expected = "a" if sub is None or sub.parent != para.iri else chr(ord(sub.notation[-2]) + 1)
                    if letter != expected:
                        w.fail(
                            number,
                            f"subparagraph {para.notation}({letter}) where {para.notation}({expected}) was expected",
                        )
                    sub = w.add(
                        "Subparagraph",
                        f"para/{para.notation}/{letter}",
                        f"{para.notation}({letter})",
                        para.iri,
                        number,
                        m.group(2),
                    )
                    last = sub
                    continue
                if (m := ITEM.match(line)) and sub is not None:
                    roman = m.group(1)
                    siblings = [p for p in source.provisions if p.parent == sub.iri]
                    if roman != ROMAN[len(siblings)]:
                        w.fail(
                            number,
                            f"item {sub.notation}({roman}) where {sub.notation}({ROMAN[len(siblings)]}) was expected",
                        )
                    last = w.add(
                        "Item",
                        f"para/{para.notation}/{sub.notation[-2]}/{roman}",
                        f"{sub.notation}({roman})",
                        sub.iri,
                        number,
                        m.group(2),
                    )
                    continue
                if last is None:
                    w.fail(number, f"text outside any numbered paragraph: {line[:60]!r}")
            else:
                if section_name == "letter" and DATE_LINE.match(line):
                    last = w.add("Paragraph", "letter/date", "letter/date", section.iri, number, line)
                    last = None  # a date is never continued
                    continue
                if section_name == "letter" and line == "Le Président du Groupe":
                    signature = "\n".join(b.lines[offset:])
                    w.add("Paragraph", "letter/signature", "letter/signature", section.iri, number, signature)
                    last = None
                    break
            if last is not None and (offset > 0 or _continues(last.text, line)):
                last.text = f"{last.text} {line}"  # page break or wrapped line
                continue
            if section_name == "chapter":
                w.fail(number, f"text outside any numbered paragraph: {line[:60]!r}")
            counters[section_name] = counters.get(section_name, 0) + 1
            k = counters[section_name]
            last = w.add("Paragraph", f"{section_name}/{k}", f"{section_name}/{k}", section.iri, number, line)

    if not cover_lines:
        w.fail(1, "no cover page found")
    source.provisions.insert(
        0, Provision(f"{doc}/cover", "Section", "cover", doc, cover_line, text="\n".join(cover_lines))
    )
    if not annex_blocks:
        w.fail(None, "no annex found (a line 'Annexe' followed by the list of experts)")
    _segment_annex(w, annex_blocks, groups, honorifics)


def _segment_annex(w: _Writer, blocks: list[Block], groups: list[str], honorifics: tuple) -> None:
    doc = w.source.iri
    title_block = blocks[0]
    title = title_block.lines[0]
    annex = w.add("Section", "annex", "annex", doc, title_block.line - 0, title=title)
    lines: list[tuple[int, str]] = []
    for b in [Block(title_block.lines[1:], title_block.line), *blocks[1:]]:
        lines += [(b.line + k, line) for k, line in enumerate(b.lines)]
    group: Provision | None = None
    entry: Provision | None = None
    entry_lines: list[str] = []
    seen_groups: list[str] = []

    def close_entry():
        if entry is not None:
            head, *rest = entry_lines
            entry.text = head + ("\n" + " ".join(rest) if rest else "")

    after_heading = False
    for number, line in lines:
        if line in groups:
            close_entry()
            entry = None
            seen_groups.append(line)
            group = w.add("Section", f"annex/{slug(line)}", f"annex/{slug(line)}", annex.iri, number, title=line)
            after_heading = True
            continue
        if group is None:
            w.fail(
                number,
                f"annex text before the first state heading: {line[:60]!r}",
                "add the heading to annex_groups in data/sources/A-70-174.toml",
            )
        if after_heading or SESSIONS.search(line):
            close_entry()
            name = SESSIONS.split(line)[0].split(",")[0].strip()
            for h in honorifics:
                if name.startswith(h + " "):
                    name = name[len(h) + 1 :]
            entry = w.add("Item", f"annex/{slug(name)}", f"annex/{slug(name)}", group.iri, number)
            entry.title = name
            entry_lines = [line]
            after_heading = False
            continue
        entry_lines.append(line)
    close_entry()
    if seen_groups != groups:
        missing = [g for g in groups if g not in seen_groups]
        w.fail(
            None,
            f"annex headings differ from annex_groups: missing {missing}",
            "correct annex_groups in data/sources/A-70-174.toml",
        )


# --------------------------------------------------------------------------- g7-synthesis

NORME = re.compile(r"^Norme (\d+) - (.+)$")


def _segment_g7(source: Source) -> None:
    w = _Writer(source)
    doc = source.iri
    blocks = read_blocks(source.text_path)
    cover: list[str] = []
    cover_line = blocks[0].line if blocks else 1
    norm: Provision | None = None
    last: Provision | None = None
    intro_done = False
    count = 0
    for b in blocks:
        m = NORME.match(b.text)
        if m:
            n = int(m.group(1))
            expected = int(norm.notation) + 1 if norm else 1
            if n != expected:
                w.fail(b.line, f"Norme {n} where Norme {expected} was expected")
            norm = w.add("NormStatement", f"norme/{n}", str(n), doc, b.line, m.group(2))
            count = 0
            last = None
            continue
        if norm is None:
            if len(b.lines) == 1 and not b.text.endswith(TERMINAL) and not intro_done:
                cover.extend(b.lines)
                continue
            if intro_done:
                w.fail(b.line, "a second introduction paragraph before Norme 1")
            w.add("Paragraph", "intro", "intro", doc, b.line, b.text)
            intro_done = True
            continue
        for offset, line in enumerate(b.lines):
            number = b.line + offset
            if line.startswith("- "):
                count += 1
                last = w.add(
                    "Item", f"norme/{norm.notation}/{count}", f"{norm.notation}.{count}", norm.iri, number, line[2:]
                )
                continue
            if last is not None and (offset > 0 or _continues(last.text, line)):
                last.text = f"{last.text} {line}"
                continue
            count += 1
            last = w.add(
                "Paragraph", f"norme/{norm.notation}/{count}", f"{norm.notation}.{count}", norm.iri, number, line
            )
    if not cover:
        w.fail(1, "no cover lines (date and title) found")
    source.provisions.insert(0, Provision(f"{doc}/cover", "Section", "cover", doc, cover_line, text="\n".join(cover)))
    final = source.provisions[-1]
    final.text = re.sub(r"\s*/\.$", "", final.text)  # end-of-document mark "./."


LAYOUTS = {"un-report": _segment_un_report, "g7-synthesis": _segment_g7}
REQUIRED_KEYS = ("file", "layout", "graph", "iri", "class", "title", "date", "language", "publisher")


def load_source(project: Project, meta_path: Path) -> Source:
    where = project.rel(meta_path)
    try:
        meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(e))) else None
        raise InputError(where, line, f"malformed TOML: {e}", "fix the metadata file") from None
    for key in REQUIRED_KEYS:
        if key not in meta:
            raise InputError(where, None, f"missing key {key!r}", f"add {key} = ... to the metadata file")
    if meta["layout"] not in LAYOUTS:
        raise InputError(where, None, f"unknown layout {meta['layout']!r}", f"use one of {sorted(LAYOUTS)}")
    if meta["graph"] not in GRAPH_BY_NAME:
        raise InputError(where, None, f"unknown graph {meta['graph']!r}", f"use one of {sorted(GRAPH_BY_NAME)}")
    text_path = meta_path.parent / meta["file"]
    if not text_path.is_file():
        raise InputError(
            project.rel(text_path), None, "source text file is missing", f"restore it, or correct 'file' in {where}"
        )
    source = Source(meta_path, meta, text_path)
    LAYOUTS[meta["layout"]](source)
    for order, p in enumerate(source.provisions, start=1):
        p.order = order
    seen: dict[str, Provision] = {}
    for p in source.provisions:
        if p.iri in seen:
            raise InputError(
                f"data/sources/{meta['file']}",
                p.line,
                f"two provisions get the same IRI {p.iri} (also line {seen[p.iri].line})",
                "check the numbering in the source text",
            )
        seen[p.iri] = p
    return source


def load_sources(project: Project) -> list[Source]:
    metas = project.source_metadata()
    if not metas:
        raise InputError(
            "data/sources", None, "no source metadata (*.toml) found", "restore data/sources from version control"
        )
    return [load_source(project, m) for m in metas]


# --------------------------------------------------------------------------- RDF


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


RDF_TYPE = _n(PREFIXES["rdf"] + "type")
XSD = PREFIXES["xsd"]
DCT = PREFIXES["dcterms"]
SKOS = PREFIXES["skos"]
RDFS = PREFIXES["rdfs"]

FRONT_LABELS = {  # unnumbered parts: (fr, en)
    "cover": ("page de couverture", "cover page"),
    "note": ("note du Secrétaire général", "note by the Secretary-General"),
    "summary": ("résumé", "summary"),
    "foreword": ("avant-propos du Secrétaire général", "foreword by the Secretary-General"),
    "letter": ("lettre d'envoi", "letter of transmittal"),
    "annex": ("annexe", "annex"),
    "intro": ("introduction", "introduction"),
}


def labels(p: Provision, english_names: dict[str, str] | None = None) -> tuple[str, str]:
    """How a provision is named, in French and English, after its document: 'paragraphe 13',
    'alinéa 13(g)', 'résumé, paragraphe 3', 'annexe, Florence Mangin', 'norme 7, point 2'. An annex
    heading printed in French ('Égypte') takes its English name in the English label ('Egypt'), from
    `english_names` (the source's annex_group_names_en); a person's name is the same in both."""
    n = p.notation
    head, _, rest = n.partition("/")
    if head in FRONT_LABELS:
        fr, en = FRONT_LABELS[head]
        if not rest:
            return fr, en
        if head == "annex":
            return f"{fr}, {p.title}", f"{en}, {(english_names or {}).get(p.title or '', p.title)}"
        if rest in ("date", "signature"):
            return f"{fr}, {rest}", f"{en}, {rest}"
        return f"{fr}, paragraphe {rest}", f"{en}, paragraph {rest}"
    if p.kind == "Section":
        return f"chapitre {n}", f"chapter {n}"
    if p.kind == "NormStatement":
        return f"norme {n}", f"norm {n}"
    if "." in n:
        norme, k = n.split(".", 1)
        return f"norme {norme}, point {k}", f"norm {norme}, item {k}"
    kind = {
        "Paragraph": ("paragraphe", "paragraph"),
        "Subparagraph": ("alinéa", "subparagraph"),
        "Item": ("point", "item"),
    }[p.kind]
    return f"{kind[0]} {n}", f"{kind[1]} {n}"


def source_quads(source: Source) -> list[ox.Quad]:
    """The document node and its provisions, as quads in the document's graph."""
    g = _n(source.graph)
    meta = source.meta
    doc = _n(source.iri)
    quads = []

    def add(s, p, o):
        quads.append(ox.Quad(s, _n(p), o, g))

    add(doc, RDF_TYPE.value, _n(CNO + meta["class"]))
    if "symbol" in meta:
        add(doc, DCT + "identifier", ox.Literal(meta["symbol"]))
    add(doc, DCT + "title", ox.Literal(meta["title"], language=meta["language"]))
    issued = meta["date"]
    if isinstance(issued, date):
        add(doc, DCT + "issued", ox.Literal(issued.isoformat(), datatype=_n(XSD + "date")))
    add(doc, CNO + "issuedBy", _n(meta["publisher"]))
    if "original_language" in meta:
        add(doc, CNO + "originalLanguage", ox.Literal(meta["original_language"], datatype=_n(XSD + "language")))
    if "attribution" in meta:
        add(doc, DCT + "bibliographicCitation", ox.Literal(meta["attribution"], language="en"))
    short_labels = meta.get("short_label", {})
    english_names = meta.get("annex_group_names_en", {})
    lang = meta["language"]
    for p in source.provisions:
        s = _n(p.iri)
        add(s, RDF_TYPE.value, _n(CNO + p.kind))
        add(s, SKOS + "notation", ox.Literal(p.notation))
        add(s, CNO + "order", ox.Literal(str(p.order), datatype=_n(XSD + "integer")))
        add(s, CNO + "parent", _n(p.parent))
        for language, name in zip(("fr", "en"), labels(p, english_names), strict=False):
            short = short_labels.get(language) or meta.get("symbol") or meta["title"]
            add(s, RDFS + "label", ox.Literal(f"{short}, {name}", language=language))
        if p.text is not None:
            add(s, CNO + "text", ox.Literal(p.text, language=lang))
        if p.title is not None:
            add(s, DCT + "title", ox.Literal(p.title, language=lang))
    return quads
