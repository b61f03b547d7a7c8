"""The query command line: a .rq file or --text, in every output format; listing the library."""

from __future__ import annotations

import csv
import io
import json

from conftest import cli

ASK = "ASK { ?s a <https://w3id.org/cybernorms/ontology#Norm> }"
SELECT = """PREFIX cno: <https://w3id.org/cybernorms/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?notation WHERE { ?s a cno:Risk ; skos:notation ?notation } ORDER BY ?notation"""


def test_query_file_in_every_format(project, tmp_path):
    rq = tmp_path / "risks.rq"
    rq.write_text(SELECT, encoding="utf-8")
    # section II: paragraphs 3 to 8
    code, out, _ = cli(project, "query", str(rq), "--format", "csv")
    assert code == 0 and list(csv.reader(io.StringIO(out))) == [["notation"]] + [[str(n)] for n in range(3, 9)]
    code, out, _ = cli(project, "query", str(rq), "--format", "tsv")  # SPARQL TSV: terms in Turtle syntax
    assert out.splitlines() == ["?notation", '"3"', '"4"', '"5"', '"6"', '"7"', '"8"']
    code, out, _ = cli(project, "query", str(rq), "--format", "json")
    assert [b["notation"]["value"] for b in json.loads(out)["results"]["bindings"]] == ["3", "4", "5", "6", "7", "8"]
    code, out, _ = cli(project, "query", str(rq))
    assert out.splitlines()[0] == "notation" and out.splitlines()[-1] == "(6 rows)"


def test_query_text_ask_and_construct(project):
    assert cli(project, "query", "--text", ASK)[1] == "true\n"
    code, out, _ = cli(project, "query", "describe-norm", "--param", "norm=13(k)", "--format", "json-ld")
    assert code == 0 and "https://w3id.org/cybernorms/id/norm/13k" in out
    json.loads(out)
    code, out, _ = cli(project, "query", "describe-norm", "--param", "norm=13(k)")
    assert "@prefix cno:" in out and "norm:13k" in out


def test_bad_query_is_one_line_and_exit_2(project):
    code, _, err = cli(project, "query", "--text", "SELECT ?x WHERE {")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "SPARQL syntax error" in err
    code, _, err = cli(project, "query", "no-such-query")
    assert code == 2 and err.startswith("error: cybernorms: no query named 'no-such-query'")
    code, _, err = cli(project, "query", "norms", "--param", "norm")
    assert code == 2 and "not of the form name=value" in err


def test_queries_lists_titles_and_parameters(project):
    code, out, _ = cli(project, "queries")
    assert code == 0
    assert "norms\n    The eleven norms of A/70/174 with their French text\n    --param norm=<norm>" in out
    assert "check-" not in out
    assert "check-dangling-reference" in cli(project, "queries", "--checks")[1]
