"""The segmenter: every provision of both texts, with notation, parent and repaired text.
Expected values are read off the texts (data/A-70-174/text.fr.txt, data/g7-2019/text.fr.txt)."""

from __future__ import annotations

import shutil

import pytest

from cybernorms import registry
from cybernorms.errors import InputError
from cybernorms.layout import Project
from cybernorms.segment import read_blocks, segment, slug

from conftest import ROOT

A70 = "https://w3id.org/cybernorms/id/document/A-70-174"
G7 = "https://w3id.org/cybernorms/id/document/g7-cyber-norm-initiative-2019"


class Segmented:
    """The provisions of one text of a registered document, as the segmenter yields them."""

    def __init__(self, folder, language="fr", root=ROOT):
        self.provisions = segment(registry.load(Project.at(root), root / "data" / folder), language)


@pytest.fixture(scope="module")
def a70():
    return Segmented("A-70-174")


@pytest.fixture(scope="module")
def g7():
    return Segmented("g7-2019")


def by_notation(source):
    return {p.notation: p for p in source.provisions}


# ------------------------------------------------------------------------------ A/70/174


def test_a70_numbered_paragraphs_are_1_to_36(a70):
    paras = [p.notation for p in a70.provisions if p.kind == "Paragraph" and p.notation.isdigit()]
    assert paras == [str(n) for n in range(1, 37)]


def test_a70_subparagraphs_are_exactly_those_printed(a70):
    subs = [p.notation for p in a70.provisions if p.kind == "Subparagraph"]
    expected = (
        [f"13({c})" for c in "abcdefghijk"]
        + [f"16({c})" for c in "abcd"]
        + [f"17({c})" for c in "abcde"]
        + [f"21({c})" for c in "abcdefgh"]
        + [f"28({c})" for c in "abcdef"]
        + [f"30({c})" for c in "ab"]
    )
    assert subs == expected


def test_a70_roman_items_of_16d(a70):
    items = [p for p in a70.provisions if p.kind == "Item" and not p.notation.startswith("annex/")]
    assert [p.notation for p in items] == ["16(d)(i)", "16(d)(ii)", "16(d)(iii)", "16(d)(iv)"]
    assert {p.parent for p in items} == {f"{A70}/para/16/d"}
    assert items[3].iri == f"{A70}/para/16/d/iv"


def test_a70_chapters_and_front_matter(a70):
    sections = [
        (p.notation, p.title) for p in a70.provisions if p.kind == "Section" and not p.notation.startswith("annex/")
    ]
    assert sections == [
        ("cover", None),
        ("note", "Note du Secrétaire général"),
        ("summary", "Résumé"),
        ("foreword", "Avant-propos du Secrétaire général"),
        ("letter", "Lettre d'envoi"),
        ("I", "Introduction"),
        ("II", "Risques réels ou naissants"),
        ("III", "Normes, règles, et principes de comportement responsable des États"),
        ("IV", "Mesures de confiance"),
        (
            "V",
            "Coopération et assistance internationales en matière de sécurité informatique et de renforcement des capacités",
        ),
        ("VI", "Applicabilité du droit international à l'utilisation des TIC"),
        ("VII", "Conclusions et recommandations pour les travaux futurs"),
        (
            "annex",
            "Liste des membres du Groupe d'experts gouvernementaux chargé d'examiner les progrès de l'informatique et des télécommunications dans le contexte de la sécurité internationale",
        ),
    ]


def test_a70_paragraphs_sit_in_their_chapters(a70):
    n = by_notation(a70)
    chapter_of = {
        int(p.notation): p.parent.rsplit("/", 1)[1]
        for p in a70.provisions
        if p.kind == "Paragraph" and p.notation.isdigit()
    }
    expected = {}
    for chapter, paras in (
        ("I", range(1, 3)),
        ("II", range(3, 9)),
        ("III", range(9, 16)),
        ("IV", range(16, 19)),
        ("V", range(19, 24)),
        ("VI", range(24, 30)),
        ("VII", range(30, 37)),
    ):
        expected.update(dict.fromkeys(paras, chapter))
    assert chapter_of == expected
    assert n["13(g)"].parent == f"{A70}/para/13"
    assert n["III"].parent == A70


def test_a70_front_matter_paragraph_counts(a70):
    def count(prefix):
        return sum(1 for p in a70.provisions if p.notation.startswith(prefix + "/"))

    assert count("note") == 1
    assert count("summary") == 9
    assert count("foreword") == 4
    assert count("letter") == 8  # date, six paragraphs, signature


def test_a70_total_and_annex(a70):
    assert len(a70.provisions) == 162
    groups = [p for p in a70.provisions if p.kind == "Section" and p.notation.startswith("annex/")]
    entries = [p for p in a70.provisions if p.kind == "Item" and p.notation.startswith("annex/")]
    assert len(groups) == 20
    assert len(entries) == 31
    per_group = {g.title: [e.title for e in entries if e.parent == g.iri] for g in groups}
    assert per_group["Bélarus"] == ["Aliaksandr Chasnouski", "Vladimir N. Gerasimovich", "Ivan Grinevich"]
    assert per_group["Japon"] == ["Takashi Okada", "Akira Kono", "Takao Imafuku"]
    assert per_group["France"] == ["Florence Mangin", "Léonard Rolland"]
    assert per_group["Brésil"] == ["Carlos Luís Dantas Coutinho Perez"]


def test_a70_reading_order_is_unique_and_complete(a70):
    assert [p.order for p in a70.provisions] == list(range(1, 163))


def test_a70_page_break_inside_13_is_rejoined(a70):
    assert by_notation(a70)["13"].text == (
        "En tenant compte des menaces, des risques et des failles réels ou naissants et en s'appuyant sur "
        "les constatations et les recommandations figurant dans les rapports des groupes d'experts de 2010 "
        "et de 2013, le Groupe actuel propose les recommandations suivantes pour examen par les États "
        "concernant des normes, règles ou principes de comportement responsable des États facultatifs, non "
        "contraignants et devant permettre de promouvoir un environnement informatique ouvert, sûr, stable, "
        "accessible et pacifique :"
    )


def test_a70_norm_texts_verbatim(a70):
    n = by_notation(a70)
    assert n["13(g)"].text == (
        "Les États devraient prendre les mesures appropriées pour protéger leurs infrastructures essentielles "
        "des risques liés aux technologies de l'information et des communications en tenant compte de la "
        "résolution 58/199 de l'Assemblée générale sur la création d'une culture mondiale de la cybersécurité "
        "et la protection des infrastructures essentielles de l'information et d'autres résolutions pertinentes;"
    )
    assert n["13(c)"].text == (
        "Les États ne devraient pas permettre sciemment que leur territoire soit utilisé pour commettre des faits "
        "internationalement illicites à l'aide des technologies de l'information et des communications;"
    )


def test_a70_16c_rejoined_across_page_break(a70):
    text = by_notation(a70)["16(c)"].text
    assert "sur divers aspects des menaces nationales et transnationales qui pèsent" in text
    assert text.endswith("stratégies, politiques et programmes qui intéressent la sécurité informatique;")


def test_a70_paragraphs_20_23_31_rejoined(a70):
    n = by_notation(a70)
    assert "ne se résume pas à un transfert de connaissances et de compétences" in n["20"].text
    assert "initiatives de coopération bilatérales et multilatérales qui s'appuieraient" in n["23"].text
    assert n["31"].text == (
        "C'est aux États qu'il incombe au premier chef de garantir un environnement informatique sûr et "
        "pacifique, mais la coopération internationale gagnerait en efficacité si l'on mettait au point des "
        "mécanismes pour la participation du secteur privé, des milieux universitaires et de la société civile."
    )


def test_a70_summary_page_break_with_capital_continuation(a70):
    text = by_notation(a70)["summary/5"].text
    assert "sous les auspices de l'Organisation des Nations Unies ainsi que par le biais" in text


def test_a70_16d_iv_text(a70):
    assert by_notation(a70)["16(d)(iv)"].text == (
        "L'adoption de dispositifs volontaires nationaux pour classer les incidents informatiques en fonction "
        "de leur ampleur et de leur gravité, afin de faciliter les échanges d'informations sur les incidents."
    )


def test_a70_letter_date_signature_and_bold_removed(a70):
    n = by_notation(a70)
    assert n["letter/date"].text == "26 juin 2015"
    assert n["letter/signature"].text == "Le Président du Groupe\n(Signé) Carlos Luís Dantas Coutinho Perez"
    assert all("**" not in (p.text or "") + (p.title or "") for p in a70.provisions)


def test_a70_table_of_contents_is_gone(a70):
    assert all("|" not in (p.text or "") for p in a70.provisions)
    assert not any((p.text or "").startswith("Table des matières") for p in a70.provisions)


def test_a70_cover_carries_the_footnote(a70):
    cover = by_notation(a70)["cover"].text.split("\n")
    assert cover[:3] == ["Assemblée générale", "Distr. générale", "22 juillet 2015"]
    assert "Point 93 de l'ordre du jour provisoire*" in cover
    assert cover[-1] == "* A/70/150."


def test_a70_annex_entries_keep_name_line_and_join_wrapped_function(a70):
    n = by_notation(a70)
    assert n["annex/edgar-zurita"].text == (
        "Edgar Zurita\nAttaché auprès des États-Unis d'Amérique et du Canada, Commission de la sécurité "
        "nationale mexicaine – Police fédérale"
    )
    assert n["annex/takao-imafuku"].text == (
        "Takao Imafuku (première session), négociateur principal pour les questions de sécurité "
        "internationale, Bureau de la politique étrangère, Ministère des affaires étrangères"
    )
    assert n["annex/vladimir-n-gerasimovich"].text.startswith(
        "Ambassadeur Vladimir N. Gerasimovich (première session)\n"
    )
    assert n["annex/olivia-preston"].parent == f"{A70}/annex/royaume-uni-de-grande-bretagne-et-d-irlande-du-nord"


# ---------------------------------------------------------------------------------- G7


def test_g7_structure(g7):
    statements = [p.notation for p in g7.provisions if p.kind == "NormStatement"]
    assert statements == [str(n) for n in range(1, 12)]
    items_per_norm = {}
    for p in g7.provisions:
        if p.parent.startswith(f"{G7}/norme/"):
            items_per_norm.setdefault(p.parent.rsplit("/", 1)[1], []).append(p.kind)
    assert {k: len(v) for k, v in items_per_norm.items()} == {
        "1": 5,
        "2": 5,
        "3": 5,
        "4": 5,
        "5": 3,
        "6": 1,
        "7": 4,
        "8": 1,
        "9": 4,
        "10": 1,
        "11": 1,
    }
    assert items_per_norm["3"] == ["Paragraph", "Item", "Item", "Item", "Paragraph"]
    assert len(g7.provisions) == 48


def test_g7_statement_text_without_label_and_bold(g7):
    n = by_notation(g7)
    assert n["7"].text == (
        "Les États doivent prendre des mesures appropriées pour protéger leurs infrastructures essentielles des "
        "menaces informatiques, en tenant compte notamment de la résolution 58/199 (2003) de l'Assemblée générale "
        "des Nations Unies sur la « Création d'une culture mondiale de la cybersécurité et protection des "
        "infrastructures essentielles de l'information » et des autres résolutions pertinentes."
    )


def test_g7_page_break_in_bullet_rejoined(g7):
    assert by_notation(g7)["3.3"].text == (
        "ont renforcé la coopération avec le secteur privé, afin de promouvoir des normes, des cadres et des "
        "procédures efficaces en matière de cybersécurité, en ce qui concerne notamment la notification des "
        "incidents et la sécurité des appareils utilisant l'internet des objets, mais aussi en vue d'améliorer le "
        "partage d'informations sur les menaces et d'organiser des campagnes de sensibilisation à la cybersécurité ;"
    )


def test_g7_end_mark_removed_and_bold_inside_sentence(g7):
    n = by_notation(g7)
    assert n["11.1"].text.endswith("pour se livrer à des activités internationales malveillantes.")
    assert n["8.1"].text.startswith(
        "Pour faciliter la réponse aux demandes d'assistance appropriées, les pays du G7 ont mis en place des "
        "points de contact permanents précis et opérationnels, qui sont généralement situés"
    )


def test_g7_cover_and_intro(g7):
    n = by_notation(g7)
    assert n["cover"].text == (
        "26/08/2019\nInitiative pour des normes dans le cyberspace\n"
        "Synthèse des enseignements tirés et des bonnes pratiques"
    )
    assert n["intro"].text.startswith(
        "Le 6 avril 2019, les ministres des Affaires étrangères du G7 se sont réunis à Dinard (France)"
    )


# ------------------------------------------------------------------------ repair rules


def test_slug():
    assert slug("Carlos Luís Dantas Coutinho Perez") == "carlos-luis-dantas-coutinho-perez"
    assert (
        slug("Royaume Uni de Grande-Bretagne et d'Irlande du Nord")
        == "royaume-uni-de-grande-bretagne-et-d-irlande-du-nord"
    )


def test_glued_bold_blocks_are_split(tmp_path):
    f = tmp_path / "t.txt"
    f.write_text("Annexe**Liste des membres****Bélarus**\n\nCoutinho **Perez**\n", encoding="utf-8")
    assert [b.lines for b in read_blocks(f)] == [["Annexe", "Liste des membres", "Bélarus"], ["Coutinho Perez"]]


def test_a_skipped_paragraph_number_is_an_error_with_its_line(tmp_path):
    src = (ROOT / "data/A-70-174/text.fr.txt").read_text(encoding="utf-8")
    (tmp_path / "data/A-70-174").mkdir(parents=True)
    (tmp_path / "data/A-70-174/text.fr.txt").write_text(
        src.replace("\n14. Le Groupe observe", "\n15. Le Groupe observe"), encoding="utf-8"
    )
    meta = (ROOT / "data/A-70-174/document.toml").read_text(encoding="utf-8")
    (tmp_path / "data/A-70-174/document.toml").write_text(meta, encoding="utf-8")
    shutil.copytree(ROOT / "profiles", tmp_path / "profiles")
    with pytest.raises(InputError) as e:
        Segmented("A-70-174", root=tmp_path)
    line = src.split("\n").index(next(lbl for lbl in src.split("\n") if lbl.startswith("14. Le Groupe observe"))) + 1
    assert e.value.message.startswith(f"data/A-70-174/text.fr.txt:{line}: paragraph 15 follows paragraph 13")
