"""Matcher fixtures: the real bundled model, shared per test session (no app)."""
import pytest

from matching import Embedder


@pytest.fixture(scope="session")
def embedder(tmp_path_factory):
    return Embedder(cache_path=tmp_path_factory.mktemp("emb") / "cache.sqlite3")
