"""Links: identifiers of the graph's entities in external datasets, made, checked and refreshed.

`cybernorms link` computes graph/links from what the built store contains (states, organisations,
documents, topics), never from a list of entities, and from four kinds of source:

    verified tables   data/reference/tables/*.csv: Wikidata items of states (by ISO 3166-1 alpha-3)
                      and of organisations (by name)
    URL rules         undocs.org pages (six UN languages) and documents.un.org PDFs of UN documents
                      (by symbol); EU Publications Office country concepts of states (by alpha-3)
    an endpoint       a SPARQL endpoint shaped like Wikidata (Wikidata itself by default): states by
                      ISO code (P298), documents by UN symbol (a configurable property), organisations
                      by label; its answers are cached and can be replayed with --offline
    people            data/links/curated.ttl (and any data/links/*.ttl not named generated-*), which
                      this module reads and never writes

It writes only data/links/generated-*.ttl, and only when asked (--write); otherwise it prints what
would be added, changed and removed, entity by entity, with the source of each link. A curated
link always wins: the generated files never restate or contradict it, and the report shows where
the table or the endpoint disagrees. Precedence for Wikidata items: curated, then the verified
table, then the endpoint (a lone answer; several answers are reported as ambiguous, not linked).

Every link is annotated in the Turtle with the void:Linkset it belongs to (an owl:Axiom whose
void:inDataset is the linkset, the OWL 2 way of annotating a statement), and every linkset names
its source (dcterms:source), its link predicate and its count, so "where does this link come
from?" is a SPARQL question (queries/links.rq) and the build checks that the counts are right.

The stage runs one way: link_inputs (what the graph and data/links hold), link_sources (the tables
and URL rules) and link_endpoint (the endpoint and its cache) feed link_plan (the links decided,
on the records of link_model), which link_diff reports and link_write writes.
"""

from __future__ import annotations

from .layout import Project
from .link_diff import report
from .link_endpoint import DEFAULT_ENDPOINT, DEFAULT_SYMBOL_PROPERTY, EndpointOptions, save_cache
from .link_plan import Plan, plan
from .link_write import write

__all__ = ["DEFAULT_ENDPOINT", "DEFAULT_SYMBOL_PROPERTY", "run"]


def run(
    project: Project,
    endpoint: str = DEFAULT_ENDPOINT,
    offline: bool = False,
    write_files: bool = False,
    symbol_property: str = DEFAULT_SYMBOL_PROPERTY,
    timeout: float = 60.0,
) -> tuple[Plan, str]:
    """Plan the links, write them if asked, and return the plan with its report."""
    p = plan(project, EndpointOptions(endpoint, offline, symbol_property, timeout))
    text = report(p, write_files)  # before writing: it compares the plan with the files
    if write_files:
        write(p)
    else:
        save_cache(p.cache_path, p.cache_data)  # the answers are worth keeping even on a dry run (build/, not data/)
    return p, text
