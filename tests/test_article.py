"""dossier.article and dossier.register: what each saved page yields, ids, and appending to a commented register."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.dossier.article import ArticleError, extract, from_text
from briefing.dossier.register import RegisterError, append_source, check_appended, new_id, slug

ARTICLES = Path(__file__).parent / "fixtures" / "articles"


def page(name: str) -> object:
    return extract((ARTICLES / name).read_bytes(), name)


def test_json_ld_page_yields_text_without_the_page_chrome_and_every_value() -> None:
    article = page("rio-times.html")
    assert (article.title, article.publisher, article.author, article.published, article.published_how) == (
        "North Korea becomes a key backer of Russia's war in Ukraine", "The Rio Times", "Marta Oliveira", "2024-10-16", "")
    assert article.url == "https://www.riotimesonline.example/north-korea-key-backer-of-russias-war/"
    assert article.paragraphs == 8 and article.text.startswith("Russia has found an unlikely")
    for chrome in ("cookies", "Related articles", "coffee exports", "reader1984", "Who is paying", "Subscribe", "All rights reserved", "Share on"):
        assert chrome not in article.text


def test_open_graph_page_without_a_date_says_the_date_was_inferred() -> None:
    article = page("italian-outlet.html")
    assert (article.publisher, article.author, article.published, article.published_how) == (
        "Notizie Italia English", None, "2025-04-02", "from the page's address")
    assert article.text.split("\n\n")[0].startswith("North Korea has sent a further 3,000 soldiers")
    for chrome in ("Your privacy", "THE LATEST NEWS", "Venezuela", "marco_r", "Read More", "VAT", "Connect with us"):
        assert chrome not in article.text


def test_bare_page_yields_its_text_and_nothing_else() -> None:
    article = page("bare.html")
    assert article.title == "Russian and Ukrainian energy strikes pause after Saudi talks"
    assert (article.publisher, article.author, article.published, article.url) == (None, None, None, None)
    assert article.paragraphs == 3


def test_plain_text_keeps_its_paragraphs_and_takes_a_short_first_line_as_title() -> None:
    article = page("statement.txt")
    assert article.title == "Statement on North Korean munitions in Russia" and article.paragraphs == 2
    assert from_text("One paragraph only.").title is None


def test_a_page_without_article_text_is_refused() -> None:
    with pytest.raises(ArticleError, match="yields no article text"):
        extract(b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "empty.html")
    with pytest.raises(ArticleError, match="not UTF-8"):
        extract(b"caf\xe9 \xff\xfe", "latin.txt")


def test_ids_come_from_publisher_and_date_and_are_unique() -> None:
    assert new_id("The Rio Times", None, None, "2024-10-16", []) == "rio-times-2024-10-16"
    assert new_id("The Rio Times", None, None, "2024-10-16", ["rio-times-2024-10-16"]) == "rio-times-2024-10-16-2"
    assert new_id(None, "www.lloydslist.example", None, "2024-11", []) == "lloydslist-2024-11"
    assert new_id(None, None, "Über die Lage: Ein Bericht", None, []) == "uber-die-lage-ein-bericht"
    assert slug("The") == "the" and len(slug("word " * 40)) <= 40


REGISTER = """# yaml-language-server: $schema=../../schema/facts.schema.json
# The register: a comment that must stay.
sources:
  - id: first   # the first one
    title: First
    accessed: 2024-01-01

# facts follow
facts:
  - id: f
    section: s
    statement: x
    sources: [{source: first}]
"""
VALUES = {"id": "new-one", "title": 'A "quoted": title', "publisher": "Pub", "accessed": "2024-02-02", "kind": "news",
          "reliability": "F", "archive": "archive/new-one.txt"}


def test_append_keeps_comments_and_order_and_lands_in_the_sources_list(tmp_path: Path) -> None:
    new = append_source(REGISTER, VALUES)
    check_appended(REGISTER, new, tmp_path / "sources.yaml", "new-one")
    assert new.startswith(REGISTER.split("\n# facts follow")[0])
    assert "  - id: new-one\n    title: \"A \\\"quoted\\\": title\"\n" in new
    assert new.index("id: new-one") < new.index("# facts follow") < new.index("facts:")


@pytest.mark.parametrize("old", [None, "", "sources: []\n", "# only a comment\n", "facts: []\n", "sources:\n- id: a\n  title: A\n  accessed: 2024-01-01\n"])
def test_append_to_new_empty_and_other_registers(tmp_path: Path, old: str | None) -> None:
    new = append_source(old, VALUES)
    check_appended(old, new, tmp_path / "sources.yaml", "new-one")


def test_a_register_that_cannot_take_an_entry_as_text_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RegisterError, match="one line"):
        append_source("sources: [{id: a, title: A, accessed: 2024-01-01}]\n", VALUES)
    with pytest.raises(RegisterError, match="does not read as YAML"):
        check_appended("sources: [\n", "sources: [\n", tmp_path / "sources.yaml", "new-one")
