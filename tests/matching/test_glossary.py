"""The Chinese-English domain glossary that lets the English-only model read Chinese needs."""
from matching.glossary import english, glosses, load, terms_of, with_gloss


def test_english_text_is_left_as_it_is():
    text = "Scratches on cold-rolled strip; 20 m/s line."
    assert english(text) == text and with_gloss(text) == text and glosses(text) == []


def test_chinese_terms_are_read_longest_first_and_replaced_in_place():
    glossary, _ = load()
    assert "表面缺陷" in glossary and "表面" in glossary  # the longer term wins over its parts
    pieces = [piece for piece, gloss in terms_of("带钢表面缺陷") if gloss]
    assert "表面缺陷" in pieces and "表面" not in pieces
    text = english("热轧带钢表面老是有划痕，客户投诉了才知道。")
    assert "scratch" in text and "customer complaint" in text and "strip" in text
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in text)  # no Chinese reaches the model


def test_latin_words_and_numbers_in_a_chinese_text_stay():
    text = english("PLC数据每5秒采集一次，MES里有工单")
    assert "PLC" in text and "MES" in text and "5" in text


def test_keyword_text_keeps_the_chinese_and_adds_its_english_words():
    text = with_gloss("轴承振动大")
    assert text.startswith("轴承振动大") and "bearing" in text and "vibration" in text
    assert glosses("轴承轴承") == glosses("轴承")  # each term's words once


def test_every_glossary_line_is_a_term_a_tab_and_lower_case_english():
    glossary, longest = load()
    assert len(glossary) > 800 and 2 <= longest <= 12
    for chinese, words in glossary.items():
        assert chinese.strip() == chinese and all(w.isascii() for w in words.split()), chinese


def test_a_chinese_querys_snippet_opens_at_its_own_words_not_at_its_glosses():
    from matching.search import snippet
    from matching.text import term_map

    body = "Finds surface defects on strip at line speed. " + "x " * 200 + "带钢表面缺陷检测，在全线速下发现划伤。"
    marked = snippet(body, term_map(with_gloss("表面缺陷")), own=term_map("表面缺陷"))
    assert "\x02表面缺陷" in marked and "surface" not in marked
    assert "\x02surface" in snippet(body, term_map(with_gloss("表面缺陷")))  # without it: the first gloss word
