"""The JSON-LD text writer (cybernorms/jsonld.py, orjson underneath): the text json.dumps(indent=2,
sort_keys=True, ensure_ascii=False) gives of the document once its unordered arrays are sorted, on
awkward values and on random documents. (That the documents are rdflib's compaction of the same
statements is test_site.py's; that they read back to the store, test_export_roundtrip.py's.)"""

from __future__ import annotations

import json

from cybernorms import jsonld

from conftest import ordered


def test_jsonld_text_is_jsons_text_of_awkward_values():
    """The JSON-LD text (written by orjson) is json.dumps(indent=2, sort_keys=True,
    ensure_ascii=False) of the document with its unordered arrays sorted by their items' JSON text:
    escapes, characters beyond ASCII, numbers json writes its own way (1e+16, NaN, integers beyond
    64 bits), arrays of strings and objects mixed, an @list kept in its order."""
    awkward = ['a"b', "back\\slash", "line\nbreak", "\x01\x1f\x7f", "é", "\u2028", "😀", "", "a", "a "]
    numbers = [1e16, 2.5, -0.0, float("nan"), float("inf"), 2**70, -(2**64), 2**63, 2**64 - 1, -(2**63), 0, True]
    doc = {
        "@graph": [
            {"@id": "z", "é": awkward, "n": numbers, "m": [{"@id": "b"}, "b", {"@value": "b", "@language": "fr"}]},
            {"@id": "a", "l": {"@list": ["z", 1e16, "a", {"@id": "a"}]}, "one": 1e-7, "big": 10**30},
            {"@id": "\u00e9", "x": [[3, 1], [1, 3], ["a", 2.0]]},
        ],
        "@context": {"é": "http://example.org/é", "a": {"@id": "http://example.org/a", "@type": "@id"}},
    }
    expected = json.dumps(ordered(doc), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert jsonld.dumps(doc).decode("utf-8") == expected


def test_jsonld_text_is_json_dumps_with_its_arrays_sorted():
    """jsonld.dumps writes the text json.dumps(indent=2, sort_keys=True) writes once the arrays are
    sorted, on random documents: arrays of nodes (ids that begin one another, quotes, backslashes,
    accents, line breaks), nodes that share an id, keys sorted before "@id", nested arrays, numbers,
    null, "@list" kept in its order. (The context, "@context", is written as it is.)"""
    import random

    rand = random.Random(10)
    letters = ["a", "b", "ab", '"', "\\", "é", " ", "-", ">", "@", "1", "\n"]

    def text():
        return "".join(rand.choice(letters) for _ in range(rand.randint(0, 4)))

    def value(depth):
        r = rand.random()
        if depth > 3 or r < 0.3:
            return rand.choice([text(), rand.randint(-3, 3), True, None, 1.5])
        if r < 0.55:
            return [value(depth + 1) for _ in range(rand.randint(0, 4))]
        if r < 0.75:
            keys = ["@id", "@type", "@value", "@list", "k", text()]
            return {rand.choice(keys): value(depth + 1) for _ in range(rand.randint(0, 4))}
        return [node(depth + 1) for _ in range(rand.randint(0, 5))]

    def node(depth):
        found = {"@id": text()}
        for _ in range(rand.randint(0, 4)):
            found[rand.choice(["@type", "b", "z", "!x", text()])] = value(depth + 1)
        return found

    for _ in range(5000):
        kind = rand.random()
        if kind < 0.4:
            doc = {"@context": {"a": "b"}, "@graph": [node(1) for _ in range(rand.randint(0, 6))]}
        else:
            doc = node(0) if kind < 0.7 else {"v": value(0)}
        expected = json.dumps(ordered(doc), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        assert jsonld.dumps(doc).decode("utf-8") == expected, doc  # (dumps sorts the document's arrays)
