"""The pages that show the matcher's output, with the real matcher (loads the embedding model)."""
import pytest

pytestmark = pytest.mark.slow


def test_need_page_shows_explained_matches_and_provider_sees_fitting_needs(client, auth, provider, solution, need):
    page = client.get(f"/needs/{need.slug}").get_data(as_text=True)
    matches = page.split('id="matches"')[1]
    assert solution.title in matches
    assert 'class="reasons"' in matches

    auth.login(provider)
    page = client.get(f"/solutions/{solution.slug}").get_data(as_text=True)
    fits = page.split("Open needs that fit")[1]
    assert need.title in fits
