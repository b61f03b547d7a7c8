"""Stage 1, segment: turn each text of each registered document into provisions, its text units.

A document's text is a plain-text or Markdown extraction of the published document, one file per
language (registry.Text). How a genre of text is divided is declared, never coded: the document
names a segmentation profile (profiles/<genre>.toml) that gives the numbering patterns of its
levels, how headings open divisions, what the cover and the unnumbered parts are, and which
extraction artefacts to repair (sentences cut by page breaks, bold markers, glued lines, the table
of contents, an end-of-document mark). What is particular to one document (its front-matter
headings, annex groups, honorifics, the names of its unnumbered parts) is in its document.toml.

Each language is segmented on its own; the languages of a document must then divide into the
same provisions, one to one (same IRIs, classes, parents and notations, in the same order), or the
build stops naming the file and line where they part. Provision IRIs are language-independent;
each provision carries its text, and its heading, in every language held.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import InputError
from .layout import CNO, PREFIXES, PROFILES_DIR, Project
from .registry import Entry

TERMINAL = (".", ";", ":", "!", "?")
LABEL_LANGUAGES = ("fr", "en")  # every provision is labelled in both, whatever languages its text is in
NUMBERS = {
    "latin": [chr(c) for c in range(ord("a"), ord("z") + 1)],
    "roman": ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv"],
}
LEXVO = "http://id.loc.gov/vocabulary/iso639-1/"  # the languages of expressions, as UNDO names them


def slug(text: str) -> str:
    """ASCII slug of a name or title: 'Carlos Luís Dantas Coutinho Perez' -> 'carlos-luis-dantas-coutinho-perez'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@dataclass
class Provision:
    """A provision as one language's text yields it."""

    iri: str
    kind: str  # local name of a cno: class: Section, Paragraph, Subparagraph, Item, NormStatement
    notation: str
    parent: str  # IRI of the enclosing provision, or of the document
    line: int  # line of the text file where it starts (for messages)
    text: str | None = None  # verbatim text, artefacts repaired
    title: str | None = None  # heading as printed (sections), or the name an annex entry gives
    order: int = 0  # position in the document's reading order, from 1
    labels: dict[str, str] = field(default_factory=dict)  # label language -> name, e.g. "paragraphe 13"
    number: str = ""  # the number of a numbered level as printed ("13", "g", "iv"), for its children


@dataclass
class AlignedProvision:
    """A provision of a document with its text and heading in every language held."""

    iri: str
    kind: str
    notation: str
    parent: str
    order: int
    texts: dict[str, str]
    titles: dict[str, str]
    labels: dict[str, str]


# --------------------------------------------------------------------------- profiles


@dataclass(frozen=True)
class Profile:
    name: str
    path: Path
    spec: dict[str, Any]

    def get(self, *keys: str, default: Any = None) -> Any:
        value: Any = self.spec
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                return default
            value = value[key]
        return value


def load_profile(project: Project, name: str, where: str) -> Profile:
    path = project.root / PROFILES_DIR / f"{name}.toml"
    if not re.fullmatch(r"[a-z0-9-]+", name) or not path.is_file():
        known = sorted(p.stem for p in (project.root / PROFILES_DIR).glob("*.toml"))
        raise InputError(where, None, f"unknown segmentation profile {name!r}", f"use one of {', '.join(known)}")
    try:
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(e))) else None
        raise InputError(project.rel(path), line, f"malformed TOML: {e}", "fix the profile") from None
    return Profile(name, path, spec)


# --------------------------------------------------------------------------- reading


@dataclass
class Block:
    lines: list[str]
    line: int  # source line number of the first line

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def _clean_line(line: str, markdown_headings: bool = True, bold: bool = True) -> str:
    line = line.rstrip()
    if markdown_headings:
        line = re.sub(r"^#+\s+", "", line)  # markdown heading marks
    if bold:
        line = re.sub(r"(?<=\S)\*{2,}(?=[A-ZÀ-ÖØ-Ý])", "\n", line)  # blocks glued by bold marks
        line = line.replace("**", "")
    return line


def read_blocks(path: Path, markdown_headings: bool = True, bold: bool = True, lines: bool = False) -> list[Block]:
    """Paragraph blocks (runs of non-blank lines) with bold marks removed and glued lines split;
    with `lines`, every non-blank line is a block of its own. The text is read in Unicode NFC, the
    form RDF literals should take (a copied file may hold decomposed accents: é as e and U+0301)."""
    blocks: list[Block] = []
    current: list[str] = []
    start = 0
    text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            if current:
                blocks.append(Block(current, start))
                current = []
            continue
        for part in _clean_line(raw, markdown_headings, bold).split("\n"):
            if part.strip():
                if not current:
                    start = number
                current.append(part.strip())
                if lines:
                    blocks.append(Block(current, start))
                    current = []
    if current:
        blocks.append(Block(current, start))
    return blocks


def _continues(previous: str | None, block_text: str) -> bool:
    """A block continues the previous unit when a page break cut a sentence: the previous text has
    no final punctuation, or the block starts in lower case."""
    return not (previous or "").endswith(TERMINAL) or block_text[:1].islower()


# --------------------------------------------------------------------------- segmenting


class _Segmenter:
    """Reads one text of a document with its profile and collects its provisions in reading order,
    checking the numbering as it goes."""

    def __init__(self, entry: Entry, profile: Profile, language: str):
        self.entry = entry
        self.profile = profile
        self.language = language
        self.text = entry.texts[language]
        self.where = entry.project.rel(self.text.path)
        self.doc = entry.iri
        self.provisions: list[Provision] = []
        self.last: Provision | None = None  # the unit a continuation would extend
        self.head: Provision | None = None  # the last counted paragraph, which "child" bullets go under
        self.open: dict[str, Provision] = {}  # the numbered levels open, by level name
        self.counters: dict[str, int] = {}

    # -- helpers

    def lang(self, key: str, default: Any = None) -> Any:
        return self.profile.get("languages", self.language, key, default=default)

    def part(self, name: str, language: str) -> str:
        parts = self.entry.meta.get("parts", {})
        if name not in parts or language not in parts[name]:
            raise self.entry.fail(
                f"the part {name!r} has no name in {language!r} for the labels of its provisions",
                f'add [parts] {name} = {{ fr = "...", en = "..." }}',
            )
        return str(parts[name][language])

    def labels(self, templates: dict[str, str] | None, part: str | None = None, **fields: str) -> dict[str, str]:
        if not templates:
            raise InputError(
                self.entry.project.rel(self.profile.path),
                None,
                "a label template is missing",
                "add label = { fr = ..., en = ... }",
            )
        out = {}
        for language in LABEL_LANGUAGES:
            values = dict(fields)
            if part is not None:
                values["part"] = self.part(part, language)
            out[language] = templates[language].format(**values)
        return out

    def add(
        self,
        kind: str,
        tail: str,
        notation: str,
        parent: str,
        line: int,
        labels: dict[str, str],
        text: str | None = None,
        title: str | None = None,
    ) -> Provision:
        p = Provision(f"{self.doc}/{tail}", kind, notation, parent, line, text, title, labels=labels)
        self.provisions.append(p)
        return p

    def fail(
        self, line: int | None, problem: str, hint: str = "check the text against the published document"
    ) -> InputError:
        return InputError(self.where, line, problem, hint)

    # -- the text

    def blocks(self) -> list[Block]:
        reading = self.profile.get("reading", default={})
        blocks = read_blocks(
            self.text.path,
            reading.get("markdown_headings", True),
            reading.get("bold", True),
            lines=reading.get("units", "blocks") == "lines",
        )
        skip = [re.compile(p) for p in [*reading.get("skip", []), *self.lang("skip", [])]]
        return [b for b in blocks if not all(any(p.search(line) for p in skip) for line in b.lines)]

    def run(self) -> list[Provision]:
        blocks = self.blocks()
        cover_mode = self.profile.get("cover", "mode", default="none")
        also = [re.compile(p) for p in self.profile.get("cover", "also", default=[])]
        top = self.profile.get("top", default={"mode": "cover" if cover_mode == "before-sections" else "none"})
        sections = self.entry.meta.get("sections", {}).get(self.language, {})
        annex_heading = self.lang("annex")
        headings = self.profile.get("headings", default=[])
        skip_title = self.profile.get("reading", "skip_title", default=False)
        cover_lines: list[str] = []
        cover_line = blocks[0].line if blocks else 1
        container: dict[str, Any] | None = None  # the rules of the current division
        section: Provision | None = None
        annex_blocks: list[Block] | None = None
        intro_done = False

        for i, b in enumerate(blocks):
            first = b.lines[0]
            if annex_heading and first == annex_heading:
                annex_blocks = [Block(b.lines[1:], b.line), *blocks[i + 1 :]]
                break
            if first in sections:
                name = sections[first]
                spec = self.profile.get("sections", default={})
                section = self.add(
                    "Section", name, name, self.doc, b.line, self.labels(spec.get("label"), name), title=first
                )
                container = {**spec, "body": "counted", "part": name, "key": name, "named_lines": True}
                self.last = None
                continue
            opened = self.heading(b, headings)
            if opened is not None:
                section, container = opened
                continue
            if any(p.search(b.text) for p in also):
                cover_lines.append(b.text)
                continue
            if section is None:
                if cover_mode == "before-sections":
                    cover_lines.extend(b.lines)
                    continue
                if (
                    cover_mode == "unpunctuated-lines"
                    and len(b.lines) == 1
                    and not b.text.endswith(TERMINAL)
                    and not intro_done
                ):
                    cover_lines.extend(b.lines)
                    continue
                if top.get("mode") == "intro":
                    if intro_done:
                        raise self.fail(b.line, "a second introduction paragraph before the first heading")
                    self.add(
                        "Paragraph",
                        "intro",
                        "intro",
                        self.doc,
                        b.line,
                        self.labels(
                            self.profile.get("top", "label", default={"fr": "{part}", "en": "{part}"}), "intro"
                        ),
                        b.text,
                    )
                    intro_done = True
                    continue
                if top.get("mode") != "counted":
                    raise self.fail(b.line, f"text before the first heading: {b.text[:60]!r}")
                container = {**top, "key": "", "top": True}
            if skip_title and b.text == self.entry.title(self.language):
                self.last = None  # the document's own title line
                continue
            assert container is not None
            if container.get("body") == "numbered":
                self.numbered(b, section, container)
            else:
                self.counted(b, section, container)

        if cover_mode != "none":
            if not cover_lines:
                raise self.fail(1, "no cover page found")
            cover = Provision(
                f"{self.doc}/cover",
                "Section",
                "cover",
                self.doc,
                cover_line,
                "\n".join(cover_lines),
                labels=self.labels({"fr": "{part}", "en": "{part}"}, "cover"),
            )
            self.provisions.insert(0, cover)
        if self.profile.get("annex") is not None:
            if not annex_blocks:
                raise self.fail(None, f"no annex found (a line {annex_heading!r} followed by its list)")
            self.annex(annex_blocks)
        end_mark = self.profile.get("reading", "end_mark", default="")
        if end_mark and self.provisions and self.provisions[-1].text:
            final = self.provisions[-1]
            final.text = re.sub(end_mark, "", final.text or "")
        return self.provisions

    def heading(self, b: Block, headings: list[dict[str, Any]]) -> tuple[Provision, dict[str, Any]] | None:
        """A one-line block that opens a numbered division (a chapter, a norm statement)."""
        for spec in headings:
            pattern = spec["pattern"].get(self.language)
            m = re.match(pattern, b.text) if pattern and len(b.lines) == 1 else None
            if not m:
                continue
            n = m.group(1)
            if spec.get("sequence") == "document":
                last = self.counters.get(spec["name"], 0)
                if int(n) != last + 1:
                    raise self.fail(b.line, f"{spec['name']} {n} follows {spec['name']} {last}")
                self.counters[spec["name"]] = int(n)
            section = self.add(
                spec["class"],
                spec["iri"].format(n=n),
                spec["notation"].format(n=n),
                self.doc,
                b.line,
                self.labels(spec.get("label"), n=n),
                m.group(spec["text"]) if "text" in spec else None,
                m.group(spec["title"]) if "title" in spec else None,
            )
            self.last = None
            self.open = {}
            return section, {**spec, "key": section.iri, "n": n}
        return None

    def numbered(self, b: Block, section: Provision | None, container: dict[str, Any]) -> None:
        """Lines of a division whose text is all in numbered levels (paragraphs, subparagraphs, items)."""
        levels = self.profile.get("levels", default=[])
        for offset, line in enumerate(b.lines):
            number = b.line + offset
            if self.number_line(line, number, levels, section):
                continue
            if self.last is None:
                raise self.fail(number, f"text outside any numbered paragraph: {line[:60]!r}")
            if offset > 0 or _continues(self.last.text, line):
                self.last.text = f"{self.last.text} {line}"  # page break or wrapped line
                continue
            raise self.fail(number, f"text outside any numbered paragraph: {line[:60]!r}")

    def number_line(self, line: str, number: int, levels: list[dict[str, Any]], section: Provision | None) -> bool:
        opened = self.open
        for depth, level in enumerate(levels):
            m = re.match(level["pattern"], line)
            if not m:
                continue
            parent = section if depth == 0 else opened.get(levels[depth - 1]["name"])
            if parent is None:
                continue
            label = m.group(1)
            fields = {lv["name"]: opened[lv["name"]].number for lv in levels[:depth] if lv["name"] in opened}
            fields[level["name"]] = label
            if level.get("sequence") == "document":
                last = self.counters.get(level["name"], 0)
                if int(label) != last + 1:
                    raise self.fail(number, f"{level['name']} {label} follows {level['name']} {last}")
                self.counters[level["name"]] = int(label)
            else:
                key = f"{level['name']} {parent.iri}"
                count = self.counters.get(key, 0)
                expected = NUMBERS[level["numbers"]][count]
                if label != expected:
                    raise self.fail(
                        number,
                        f"{level['name']} {level['notation'].format(**fields)} where "
                        f"{level['notation'].format(**{**fields, level['name']: expected})} was expected",
                    )
                self.counters[key] = count + 1
            notation = level["notation"].format(**fields)
            p = self.add(
                level["class"],
                level["iri"].format(**fields),
                notation,
                parent.iri,
                number,
                self.labels(level.get("label"), notation=notation),
                m.group(2),
            )
            p.number = label
            opened[level["name"]] = p
            for deeper in levels[depth + 1 :]:
                opened.pop(deeper["name"], None)
            self.last = p
            return True
        return False

    def counted(self, b: Block, section: Provision | None, container: dict[str, Any]) -> None:
        """Lines of a division of unnumbered paragraphs (and bullets), counted in their order."""
        date_line = self.lang("date_line")
        signature = self.entry.meta.get("signature", {}).get(self.language)
        part = container.get("part")
        parent = section.iri if section is not None else self.doc
        fields = {"n": container.get("n", "")}
        for offset, line in enumerate(b.lines):
            number = b.line + offset
            if container.get("named_lines") and date_line and re.match(date_line, line):
                self.add(
                    "Paragraph",
                    f"{part}/date",
                    f"{part}/date",
                    parent,
                    number,
                    self.labels(container.get("named_label"), part, name="date"),
                    line,
                )
                self.last = None  # a date is never continued
                continue
            if container.get("top") and date_line and re.match(date_line, line):
                self.add(
                    "Paragraph",
                    "date",
                    "date",
                    parent,
                    number,
                    self.labels({"fr": "{part}", "en": "{part}"}, "date"),
                    line,
                )
                self.last = None
                continue
            if container.get("named_lines") and signature and line == signature:
                text = "\n".join(b.lines[offset:])
                self.add(
                    "Paragraph",
                    f"{part}/signature",
                    f"{part}/signature",
                    parent,
                    number,
                    self.labels(container.get("named_label"), part, name="signature"),
                    text,
                )
                self.last = None
                return
            bullets = container.get("bullets", "none")
            key = container["key"]
            if bullets != "none" and line.startswith("- "):
                if bullets == "sibling":
                    k = self.counters[key] = self.counters.get(key, 0) + 1
                    tail = container["paragraph"]["iri"].format(**fields, k=k, part=part)
                    notation = container["paragraph"]["notation"].format(**fields, k=k, part=part)
                    self.last = self.add(
                        "Item",
                        tail,
                        notation,
                        parent,
                        number,
                        self.labels(container.get("paragraph_label"), part, **fields, k=str(k)),
                        line[2:],
                    )
                    continue
                head = self.head
                if head is None:
                    raise self.fail(number, f"a bullet before any paragraph: {line[:60]!r}")
                j = self.counters[head.iri] = self.counters.get(head.iri, 0) + 1
                k = self.counters.get(key, 0)
                tail = container["item"]["iri"].format(**fields, k=k, j=j)
                notation = container["item"]["notation"].format(**fields, k=k, j=j)
                self.last = self.add(
                    "Item",
                    tail,
                    notation,
                    head.iri,
                    number,
                    self.labels(container.get("item_label"), part, **fields, k=str(k), j=str(j)),
                    line[2:],
                )
                continue
            if (
                self.last is not None
                and self.profile.get("reading", "continuation", default=True)
                and (offset > 0 or _continues(self.last.text, line))
            ):
                self.last.text = f"{self.last.text} {line}"  # page break or wrapped line
                continue
            k = self.counters[key] = self.counters.get(key, 0) + 1
            tail = container["paragraph"]["iri"].format(**fields, k=k, part=part)
            notation = container["paragraph"]["notation"].format(**fields, k=k, part=part)
            self.last = self.head = self.add(
                "Paragraph",
                tail,
                notation,
                parent,
                number,
                self.labels(container.get("paragraph_label"), part, **fields, k=str(k)),
                line,
            )

    def annex(self, blocks: list[Block]) -> None:
        """An annex that lists entries (people) under group headings, as the document declares them."""
        spec = self.profile.get("annex")
        declared = self.entry.meta.get("annex", {}).get(self.language, {})
        groups: list[str] = declared.get("groups", [])
        # a heading printed in one language ("Égypte") is named in the other label languages from
        # [annex.{language}.group_names] ({ en = { "Égypte" = "Egypt" } }); a person's name is not
        group_names: dict[str, dict[str, str]] = declared.get("group_names", {})
        honorifics = tuple(declared.get("honorifics", []))
        entry_start = re.compile(spec["entry"])
        part = spec["part"]
        title_block = blocks[0]
        annex = self.add(
            "Section",
            part,
            part,
            self.doc,
            title_block.line,
            self.labels({"fr": "{part}", "en": "{part}"}, part),
            title=title_block.lines[0],
        )
        lines: list[tuple[int, str]] = []
        for b in [Block(title_block.lines[1:], title_block.line), *blocks[1:]]:
            lines += [(b.line + k, line) for k, line in enumerate(b.lines)]
        group: Provision | None = None
        entry: Provision | None = None
        entry_lines: list[str] = []
        seen_groups: list[str] = []

        def close_entry() -> None:
            if entry is not None:
                head, *rest = entry_lines
                entry.text = head + ("\n" + " ".join(rest) if rest else "")

        after_heading = False
        for number, line in lines:
            if line in groups:
                close_entry()
                entry = None
                seen_groups.append(line)
                tail = f"{part}/{slug(line)}"
                labels = self.labels(spec["label"], part, title=line)
                for language, names in group_names.items():
                    labels[language] = self.labels(spec["label"], part, title=names.get(line, line))[language]
                group = self.add("Section", tail, tail, annex.iri, number, labels, title=line)
                after_heading = True
                continue
            if group is None:
                raise self.fail(
                    number,
                    f"annex text before the first group heading: {line[:60]!r}",
                    f"add the heading to the groups of [annex.{self.language}] in {self.entry.where}",
                )
            if after_heading or entry_start.search(line):
                close_entry()
                name = entry_start.split(line)[0].split(",")[0].strip()
                for h in honorifics:
                    if name.startswith(h + " "):
                        name = name[len(h) + 1 :]
                tail = f"{part}/{slug(name)}"
                entry = self.add(
                    "Item", tail, tail, group.iri, number, self.labels(spec["label"], part, title=name), title=name
                )
                entry_lines = [line]
                after_heading = False
                continue
            entry_lines.append(line)
        close_entry()
        if seen_groups != groups:
            missing = [g for g in groups if g not in seen_groups]
            raise self.fail(
                None,
                f"annex headings differ from the groups of [annex.{self.language}]: missing {missing}",
                f"correct them in {self.entry.where}",
            )


def segment(entry: Entry, language: str) -> list[Provision]:
    """The provisions of one text of a document, in reading order, each with its IRI, class,
    notation, parent, order, text and labels."""
    profile = load_profile(entry.project, str(entry.meta["profile"]), entry.where)
    provisions = _Segmenter(entry, profile, language).run()
    seen: dict[str, Provision] = {}
    for order, p in enumerate(provisions, start=1):
        p.order = order
        if p.iri in seen:
            raise InputError(
                entry.project.rel(entry.texts[language].path),
                p.line,
                f"two provisions get the same IRI {p.iri} (also line {seen[p.iri].line})",
                "check the numbering in the text",
            )
        seen[p.iri] = p
    return provisions


def _describe(p: Provision | None) -> str:
    return f"{p.kind} {p.notation}" if p is not None else "nothing (the text ends)"


def aligned(entry: Entry) -> list[AlignedProvision]:
    """The provisions of a document with the text of every language held, after checking that the
    languages divide into the same provisions one to one."""
    by_language = {language: segment(entry, language) for language in entry.languages}
    first, *others = entry.languages
    base = by_language[first]
    for language in others:
        provisions = by_language[language]
        for i in range(max(len(base), len(provisions))):
            a = base[i] if i < len(base) else None
            b = provisions[i] if i < len(provisions) else None
            if a is None or b is None or (a.iri, a.kind, a.parent) != (b.iri, b.kind, b.parent):
                line = b.line if b is not None else (provisions[-1].line if provisions else 1)
                at = f" ({entry.project.rel(entry.texts[first].path)}:{a.line})" if a is not None else ""
                raise InputError(
                    entry.project.rel(entry.texts[language].path),
                    line,
                    f"the {language} text does not align with the {first} text: its provision {i + 1} is "
                    f"{_describe(b)} where the {first} text has {_describe(a)}{at}",
                    "the texts of one document must divide into the same provisions, one to one; "
                    "correct the text that differs from the published one",
                )
    out = []
    for i, p in enumerate(base):
        versions = {language: by_language[language][i] for language in entry.languages}
        labels = {lang: (versions.get(lang) or p).labels[lang] for lang in LABEL_LANGUAGES}
        out.append(
            AlignedProvision(
                p.iri,
                p.kind,
                p.notation,
                p.parent,
                p.order,
                {lang: v.text for lang, v in versions.items() if v.text is not None},
                {lang: v.title for lang, v in versions.items() if v.title is not None},
                labels,
            )
        )
    return out


# --------------------------------------------------------------------------- RDF


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


RDF_TYPE = PREFIXES["rdf"] + "type"
XSD = PREFIXES["xsd"]
DCT = PREFIXES["dcterms"]
SKOS = PREFIXES["skos"]
RDFS = PREFIXES["rdfs"]
SCHEMA = PREFIXES["schema"]


def expression_iri(entry: Entry, language: str) -> str:
    """The expression of a document in one language (FRBR): the document IRI, /expression/, the language."""
    return f"{entry.iri}/expression/{language}"


def document_quads(entry: Entry, provisions: list[AlignedProvision]) -> list[ox.Quad]:
    """The document (the work), its expressions (one per language held) and its provisions, as
    quads in the document's graph."""
    g = _n(entry.graph)
    meta = entry.meta
    doc = _n(entry.iri)
    quads: list[ox.Quad] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        quads.append(ox.Quad(s, _n(p), o, g))

    add(doc, RDF_TYPE, _n(CNO + meta["class"]))
    if "symbol" in meta:
        add(doc, DCT + "identifier", ox.Literal(meta["symbol"]))
    for language, title in entry.titles.items():
        add(doc, DCT + "title", ox.Literal(title, language=language))
    if "date" in meta:
        add(doc, DCT + "issued", ox.Literal(meta["date"].isoformat(), datatype=_n(XSD + "date")))
    add(doc, CNO + "issuedBy", _n(meta["publisher"]))
    if "place" in meta:
        add(doc, SCHEMA + "locationCreated", _n(meta["place"]))
    if "original_language" in meta:
        add(doc, CNO + "originalLanguage", ox.Literal(meta["original_language"], datatype=_n(XSD + "language")))
    add(doc, DCT + "bibliographicCitation", ox.Literal(meta["attribution"], language="en"))
    if "rights" in meta:
        add(doc, DCT + "rights", ox.Literal(meta["rights"], language="en"))
    for language, text in entry.texts.items():
        expression = _n(expression_iri(entry, language))
        add(doc, CNO + "hasExpression", expression)
        add(expression, RDF_TYPE, _n(CNO + "Expression"))
        add(expression, DCT + "language", _n(LEXVO + language))
        if language in entry.titles:
            add(expression, DCT + "title", ox.Literal(entry.titles[language], language=language))
        if text.url:
            add(expression, DCT + "source", _n(text.url))
        if text.source:
            add(expression, DCT + "description", ox.Literal(text.source, language="en"))
    for p in provisions:
        s = _n(p.iri)
        add(s, RDF_TYPE, _n(CNO + p.kind))
        add(s, SKOS + "notation", ox.Literal(p.notation))
        add(s, CNO + "order", ox.Literal(str(p.order), datatype=_n(XSD + "integer")))
        add(s, CNO + "parent", _n(p.parent))
        for language, name in p.labels.items():
            add(s, RDFS + "label", ox.Literal(f"{entry.short_label(language)}, {name}", language=language))
        for language, words in p.texts.items():
            add(s, CNO + "text", ox.Literal(words, language=language))
        for language, title in p.titles.items():
            add(s, DCT + "title", ox.Literal(title, language=language))
    return quads
