"""Generate, once, the lookup tables the EuRepoC dataset is mapped with; their output is committed.

    python scripts/eurepoc_lookups.py          # writes the three files below
    python scripts/eurepoc_lookups.py --check  # writes nothing; exit 1 if a file would change

- data/reference/tables/iso3166-names.csv: every English name ISO 3166-1 gives a country (its
  short name, its official name, its common name) with its alpha-3 code, from the iso-codes
  database as pycountry (pinned in pyproject.toml) ships it. The build never imports pycountry:
  the table is read like any other lookup.
- data/reference/states-eurepoc.ttl: the ISO codes and the English and French names of the states
  EuRepoC names that no other file of the graph describes (English: the ISO short name, in its
  natural order where ISO inverts it, i.e. its official name; French: the iso-codes translation).
- data/eurepoc/codes.csv: the codes EuRepoC uses, one row per scheme and label as printed, with a
  slug for its IRI and, for a sub-code, the code it always falls under in the data (its broader,
  as scheme/slug).

A country value resolves as the build's mapping resolves it: a curated reading of
data/eurepoc/country-readings.csv first, else an ISO 3166-1 name of iso3166-names.csv.
"""

from __future__ import annotations

import argparse
import ast
import csv
import gettext
import io
import re
import sys
from collections import defaultdict
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data/eurepoc"
NAMES = ROOT / "data/reference/tables/iso3166-names.csv"
STATES = ROOT / "data/reference/states-eurepoc.ttl"
CODES = DATA / "codes.csv"
GLOBAL = "EuRepoC_Global_Database_1.1.csv"
RECEIVERS = "EuRepoC_Receiver_dataset_1.1.csv"
ATTRIBUTIONS = "EuRepoC_Attribution_dataset_1.1.csv"

# Where each country value is, and how its cell divides (as data/eurepoc/document.toml declares).
COUNTRY_CELLS = [
    (GLOBAL, "initiator_country", "list"),
    (GLOBAL, "political_response_country", "; "),
    (GLOBAL, "legal_response_country", "; "),
    (RECEIVERS, "receiver_country", None),
    (ATTRIBUTIONS, "attributing_country", None),
    (ATTRIBUTIONS, "attributed_initiator_country", None),
]
# Each scheme of codes: the cells it takes its labels from, and the cells its broader codes are
# aligned with, position by position.
SCHEMES: dict[str, list[tuple[str, str, str | None]]] = {
    "incident-type": [(GLOBAL, "incident_type", "; ")],
    "receiver-category": [(RECEIVERS, "receiver_category", None)],
    "receiver-subcategory": [(RECEIVERS, "receiver_category_subcode", None)],
    "initiator-category": [
        (GLOBAL, "initiator_category", "list"),
        (ATTRIBUTIONS, "attributed_initiator_category", None),
    ],
    "initiator-subcategory": [(GLOBAL, "initiator_category_subcode", "list")],
    "attribution-type": [(ATTRIBUTIONS, "attribution_type", None)],
    "attribution-basis": [(ATTRIBUTIONS, "attribution_basis", None)],
    "breach-indicator": [(GLOBAL, "IL_breach_indicator", "; "), (GLOBAL, "legal_attribution_reference", "; ")],
    "breach-subcode": [
        (GLOBAL, "IL_breach_indicator_subcode", "; "),
        (GLOBAL, "legal_attribution_reference_subcode", "; "),
    ],
    "responsibility": [(GLOBAL, "state_responsibility_indicator", None)],
    "political-response-type": [(GLOBAL, "political_response_type", "; ")],
    "political-response-subtype": [(GLOBAL, "political_response_type_subcode", "; ")],
    "legal-response-type": [(GLOBAL, "legal_response_type", "; ")],
    "legal-response-subtype": [(GLOBAL, "legal_response_type_subcode", "; ")],
    "initial-access": [(GLOBAL, "MITRE_initial_access", "; ")],
}
BROADER = {  # sub-code scheme -> (its cells, the aligned cells of the broader scheme)
    "receiver-subcategory": (
        "receiver-category",
        [((RECEIVERS, "receiver_category_subcode"), (RECEIVERS, "receiver_category"))],
    ),
    "initiator-subcategory": (
        "initiator-category",
        [((GLOBAL, "initiator_category_subcode"), (GLOBAL, "initiator_category"))],
    ),
    "breach-subcode": (
        "breach-indicator",
        [
            ((GLOBAL, "IL_breach_indicator_subcode"), (GLOBAL, "IL_breach_indicator")),
            ((GLOBAL, "legal_attribution_reference_subcode"), (GLOBAL, "legal_attribution_reference")),
        ],
    ),
    "political-response-subtype": (
        "political-response-type",
        [((GLOBAL, "political_response_type_subcode"), (GLOBAL, "political_response_type"))],
    ),
    "legal-response-subtype": (
        "legal-response-type",
        [((GLOBAL, "legal_response_type_subcode"), (GLOBAL, "legal_response_type"))],
    ),
}


def items(cell: str, form: str | None) -> list[str]:
    """The values of a cell, as cybernorms/tables.py divides them (empty items kept in place)."""
    if not cell:
        return []
    if form is None:
        return [cell.strip()]
    if form == "list":
        return [v.strip() for v in ast.literal_eval(cell)]
    return [v.strip() for v in cell.split(form)]


def rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def names_table() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "iso_alpha3", "form"])
    seen: set[str] = set()
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_3):
        for form in ("name", "official_name", "common_name"):
            name = getattr(country, form, None)
            if name and name not in seen:
                seen.add(name)
                writer.writerow([name, country.alpha_3, form.replace("_", " ")])
    return out.getvalue()


def resolved_codes() -> set[str]:
    with open(DATA / "country-readings.csv", encoding="utf-8") as handle:
        readings = {r["value"]: r for r in csv.DictReader(handle)}
    names = {r["name"]: r["iso_alpha3"] for r in csv.DictReader(io.StringIO(names_table()))}
    codes = set()
    for file, column, form in COUNTRY_CELLS:
        for row in rows(file):
            for value in items(row[column], form):
                if value in readings:
                    if readings[value]["kind"] == "state":
                        codes.add(readings[value]["iso_alpha3"])
                elif value in names:
                    codes.add(names[value])
    return codes


def described_states() -> set[str]:
    """The states some Turtle file of the graph already gives an English name (other than ours)."""
    found = set()
    for path in (ROOT / "data").rglob("*.ttl"):
        if path == STATES:
            continue
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"<state/([A-Z]{3})>[^.]*?rdfs:label \"[^\"]*\"@en", text, re.DOTALL))
        found |= set(re.findall(r"<state/([A-Z]{3})> dcterms:identifier", text))
    return found


def states_turtle() -> str:
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    lines = [
        "@base <https://w3id.org/cybernorms/id/> .",
        "@prefix cno:  <https://w3id.org/cybernorms/ontology#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "",
        "# The states EuRepoC names (as receivers, initiators, attributing states or responding states)",
        "# that no other file of the graph describes, generated once by scripts/eurepoc_lookups.py.",
        "# Alpha-3 and alpha-2 codes and names are those of the iso-codes database as pycountry",
        "# 26.2.16 ships it: the ISO 3166-1 short name, or its official name where ISO inverts the",
        '# short name ("Korea, Republic of" is "Republic of Korea"), in English and in the',
        "# iso-codes French translation of the same name. EuRepoC's own spellings stay on the",
        "# incidents (cno:listedCountry); data/eurepoc/country-readings.csv reads those that are not",
        "# ISO names.",
        "",
    ]
    for code in sorted(resolved_codes() - described_states()):
        country = pycountry.countries.get(alpha_3=code)
        name = country.official_name if "," in country.name and hasattr(country, "official_name") else country.name
        english, label_fr = name, french.gettext(name)
        lines.append(
            f'<state/{code}> a cno:State ; dcterms:identifier "{code}" ; cno:isoAlpha2 "{country.alpha_2}" ;\n'
            f'    rdfs:label "{english}"@en , "{label_fr}"@fr .'
        )
    return "\n".join(lines) + "\n"


def slug(label: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-").split("-")
    out = ""
    for word in words:
        if len(out) + len(word) + 1 > 48 and out:
            break
        out = f"{out}-{word}" if out else word
    return out or "empty"


def codes_table() -> str:
    labels: dict[str, list[str]] = defaultdict(list)
    for scheme, cells in SCHEMES.items():
        for file, column, form in cells:
            for row in rows(file):
                for value in items(row[column], form):
                    if value and value not in labels[scheme]:
                        labels[scheme].append(value)
    broader: dict[tuple[str, str], set[str]] = defaultdict(set)
    for scheme, (_, pairs) in BROADER.items():
        form_of = {(f, c): form for cells in SCHEMES.values() for f, c, form in cells}
        for (sub_file, sub_col), (top_file, top_col) in pairs:
            for row in rows(sub_file):
                subs = items(row[sub_col], form_of[(sub_file, sub_col)])
                tops = items(row[top_col], form_of[(top_file, top_col)])
                for sub, top in zip(subs, tops, strict=False):
                    if sub and top:
                        broader[(scheme, sub)].add(top)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["scheme", "slug", "label", "broader"])
    for scheme in SCHEMES:
        slugs: set[str] = set()
        for label in sorted(labels[scheme]):
            s = slug(label)
            while s in slugs:
                s += "-2"
            slugs.add(s)
            tops = broader.get((scheme, label), set())
            top = f"{BROADER[scheme][0]}/{slug(next(iter(tops)))}" if len(tops) == 1 else ""
            writer.writerow([scheme, s, label, top])
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file would change")
    args = parser.parse_args()
    outputs = {NAMES: names_table(), STATES: states_turtle(), CODES: codes_table()}
    changed = [p for p, text in outputs.items() if not p.is_file() or p.read_text(encoding="utf-8") != text]
    if args.check:
        for p in changed:
            print(f"{p.relative_to(ROOT)} would change")
        return 1 if changed else 0
    for p in changed:
        p.write_text(outputs[p], encoding="utf-8")
        print(f"wrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
