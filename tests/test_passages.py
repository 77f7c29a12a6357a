"""dossier.passages: paragraphs as `locator: paragraph N` counts them, folded finds, ranked closest passages."""

from __future__ import annotations

from briefing.dossier.passages import Found, PassageIndex, fold, paragraph_number, split_paragraphs

TEXT = ("Seoul said \u201cNorth Korea has sent\nabout 11,000\u00a0troops\u201d.\n\n  \n\n"
        "More may follow \u2014 the JCS said.\r\n\r\nThird: the Kremlin denied it.\n")


def test_paragraphs_are_blocks_between_blank_lines() -> None:
    assert split_paragraphs(TEXT) == ["Seoul said \u201cNorth Korea has sent\nabout 11,000\u00a0troops\u201d.",
                                      "More may follow \u2014 the JCS said.", "Third: the Kremlin denied it.\n"]
    assert split_paragraphs("") == [] and split_paragraphs("\n\n \n") == []


def test_the_folded_archive_is_what_the_quote_check_always_compared() -> None:
    assert PassageIndex(TEXT).folded == fold(TEXT)


def test_find_gives_every_paragraph_a_quote_is_in() -> None:
    index = PassageIndex(TEXT.rstrip() + " The kremlin DENIED it again.\n")
    assert index.find('"north korea has sent about 11,000 troops"') == [Found(1, 1)]
    assert index.find("more may follow - the jcs") == [Found(2, 2)]
    assert index.find("the kremlin denied it") == [Found(3, 3), Found(3, 3)]
    assert index.find("JCS said. Third") == [Found(2, 3)] and Found(2, 3).label == "paragraphs 2-3"
    assert index.find("not there") == [] and index.find("  ") == []


def test_as_written_gives_the_archive_s_own_words() -> None:
    index = PassageIndex(TEXT)
    assert index.as_written('"north korea has sent about 11,000 troops"') == "\u201cNorth Korea has sent about 11,000 troops\u201d."
    assert index.as_written("nowhere") is None
    assert index.as_written("seoul said") == "Seoul said" and index.as_written("north korea") == "North Korea"  # no stray quote mark


def test_closest_passages_are_ranked_one_per_paragraph() -> None:
    index = PassageIndex(TEXT)
    near = index.closest("North Korea has sent about 12,000 troops", limit=2)
    assert [p.paragraph for p in near] == [1, 2] and near[0].score > near[1].score
    assert near[0].text == "\u201cNorth Korea has sent about 11,000 troops\u201d."
    assert PassageIndex("").closest("anything") == []


def test_paragraph_locators() -> None:
    assert [paragraph_number(t) for t in ("paragraph 3", "Paragraph 12", "para. 4", "\u00b6 2", "page 2", "paragraph three", None)] == [
        3, 12, 4, 2, None, None, None]


def test_a_closest_passage_can_show_the_words_around_a_short_match() -> None:
    """`locate` asks for context: three words asked for are shown with the words around them, in the middle."""
    index = PassageIndex("One two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen.")
    plain = index.closest("seven eihgt nine", limit=1)[0].text
    wide = index.closest("seven eihgt nine", limit=1, context=9)[0].text
    assert plain == "seven eight nine"
    assert wide == "four five six seven eight nine ten eleven twelve"
