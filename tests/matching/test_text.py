"""Text helpers: stems, Chinese pieces, deployment wishes."""
import pytest

from matching.text import cjk_phrases, cjk_pieces, content_terms, deployment_wish


def test_content_terms_drop_stop_words_and_stem():
    assert content_terms("We need the inspection of inspected coils") == ["inspect", "coil"]


def test_chinese_runs_become_overlapping_three_character_pieces():
    assert cjk_pieces("表面缺陷") == ["表面缺", "面缺陷"]


@pytest.mark.parametrize("text, wish", [
    ("Our data must not go to the cloud", "on-premise"),
    ("We want it on-premise", "on-premise"),
    ("a SaaS subscription is fine", "cloud"),
    ("runs on an edge box at the line", "edge"),
    ("Bearings fail", None),
])
def test_deployment_wishes_are_read_from_plain_words(text, wish):
    assert deployment_wish(text) == wish


def test_chinese_pieces_are_shown_as_the_phrases_of_the_need_they_cover():
    need = "热轧产线上带钢表面的划痕和氧化铁皮经常漏检"
    pieces = ["带钢表", "钢表面", "氧化铁", "化铁皮", "划痕和"]
    assert cjk_phrases(pieces, need) == ["带钢表面", "划痕和氧化铁皮"]
    assert cjk_phrases(["表面缺"], "表面缺陷，表面缺陷") == ["表面缺"]  # each phrase once
    assert cjk_phrases([], need) == []
