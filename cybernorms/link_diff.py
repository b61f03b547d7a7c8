"""The reviewable diff of a run: per generated file and entity, what is added (+), changed (~) and
removed (-) with its source, the remarks per entity, and a summary.
"""

from __future__ import annotations

from .layout import LINK_TABLES_DIR, LINKS_DIR
from .link_model import FILES, Link, short
from .link_plan import Plan
from .link_write import files_changed

# (file key, entity, kind of change, text)
Change = tuple[str, str, str, str]
Key = tuple[str, str, str]  # (entity, predicate, target)


def source_name(plan: Plan, name: str) -> str:
    """How the report names the source of a linkset, planned now or read from the files."""
    ls = plan.linksets.get(name)
    if ls:
        return ls.display
    old = plan.old_linksets.get(name)
    return old.display if old else name


def _pair_changes(
    plan: Plan, key: str, old: dict[Key, Link], new: dict[Key, Link], entity: str, predicate: str
) -> list[Change]:
    """The changes of one entity and property: a target replaced, a link from another source,
    links added and removed."""
    gone = sorted(t for e, p, t in old if (e, p) == (entity, predicate) and (e, p, t) not in new)
    came = sorted(t for e, p, t in new if (e, p) == (entity, predicate) and (e, p, t) not in old)
    moved = sorted(
        t
        for e, p, t in new
        if (e, p) == (entity, predicate) and (e, p, t) in old and old[(e, p, t)].linkset != new[(e, p, t)].linkset
    )
    p = short(predicate)
    out: list[Change] = []
    if len(gone) == 1 and len(came) == 1:
        was, now = old[(entity, predicate, gone[0])], new[(entity, predicate, came[0])]
        out.append(
            (
                key,
                entity,
                "~",
                (
                    f"{p} {short(gone[0])} -> {short(came[0])}  "
                    f"({source_name(plan, now.linkset)}; was: {source_name(plan, was.linkset)})"
                ),
            )
        )
        gone, came = [], []
    for t in moved:
        before, after = old[(entity, predicate, t)].linkset, new[(entity, predicate, t)].linkset
        out.append(
            (key, entity, "~", f"{p} {short(t)}  (source: {source_name(plan, before)} -> {source_name(plan, after)})")
        )
    out += [
        (key, entity, "+", f"{p} {short(t)}  ({source_name(plan, new[(entity, predicate, t)].linkset)})") for t in came
    ]
    out += [
        (key, entity, "-", f"{p} {short(t)}  (was: {source_name(plan, old[(entity, predicate, t)].linkset)})")
        for t in gone
    ]
    return out


def changes(plan: Plan) -> list[Change]:
    """Every difference between the files now and the plan: + added, - removed, ~ changed (another
    target for the same entity and property, or the same link from another source)."""
    out: list[Change] = []
    for key in FILES:
        old = {(lnk.entity, lnk.predicate, lnk.target): lnk for lnk in plan.old.get(key, [])}
        new = {(lnk.entity, lnk.predicate, lnk.target): lnk for lnk in plan.links.get(key, [])}
        for entity, predicate in sorted({(e, p) for e, p, _ in set(old) | set(new)}):
            out += _pair_changes(plan, key, old, new, entity, predicate)
    return out


def _changes_by_file(changes: list[Change]) -> list[str]:
    by_file: dict[str, dict[str, list[str]]] = {}
    for key, entity, kind, text in changes:
        by_file.setdefault(key, {}).setdefault(entity, []).append(f"    {kind} {text}")
    out = []
    for key, name in FILES.items():
        if key in by_file:
            out.append(f"{LINKS_DIR}/{name}")
            for entity, lines in sorted(by_file[key].items()):
                out.append(f"  {short(entity)}")
                out += lines
    return out


def _remarks(plan: Plan) -> list[str]:
    """Where a source disagrees or says nothing, what was not asked, the table rows that link nothing."""
    out = []
    if plan.notes:
        out.append("remarks (where a source disagrees or says nothing; curate a link by hand where one is right):")
        for entity in sorted(plan.notes):
            out += [f"  {short(entity)}: {note}" for note in plan.notes[entity]]
    if plan.not_asked:
        out.append(
            f"not asked of the endpoint (offline, not in the cache; a link found on an endpoint before "
            f"is kept): {', '.join(short(e) for e in plan.not_asked)}"
        )
    if plan.unmatched_rows:
        out.append(f"rows of {LINK_TABLES_DIR}/organizations-wikidata.csv that link nothing:")
        out += [f"  {row}" for row in plan.unmatched_rows]
    out.append(
        f"topics: {plan.topics} in the graph, none linked: no identifier of theirs in an external "
        "vocabulary is verified (UNBIS Thesaurus ids are unknown here)"
    )
    return out


def _summary(plan: Plan, changes: list[Change], written: bool) -> list[str]:
    counts = {k: sum(1 for c in changes if c[2] == k) for k in "+~-"}
    totals = ", ".join(f"{FILES[k]} {len(plan.links[k])}" for k in FILES)
    summary = (
        f"{counts['+']} added, {counts['~']} changed, {counts['-']} removed; links per file after this run: {totals}"
    )
    out = []
    files = files_changed(plan)
    if files:
        out.append(
            f"files {'rewritten' if written else 'that --write would rewrite'}: "
            + ", ".join(f"{LINKS_DIR}/{FILES[k]}" for k in files)
        )
    if not changes and not files:
        out.append(f"no change: the generated link files are up to date ({totals})")
    elif written:
        out.append(f"written: {summary}; run `cybernorms build` to load them")
    else:
        out.append(f"dry run, nothing written: {summary}; run again with --write to apply")
    return out


def report(plan: Plan, written: bool) -> str:
    """The reviewable diff: per generated file and entity, what is added (+), changed (~) and
    removed (-) with its source, the remarks per entity, and a summary."""
    found = changes(plan)
    out = [f"cybernorms link: {h}" for h in plan.header]
    out += _changes_by_file(found)
    out += _remarks(plan)
    out += _summary(plan, found, written)
    return "\n".join(out) + "\n"
