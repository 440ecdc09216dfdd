"""Text helpers: stems, Chinese pieces, deployment wishes."""
import pytest

from matching.text import cjk_pieces, content_terms, deployment_wish


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
