"""The site on the Elasticsearch backend (a real OpenSearch-compatible server, osmem-server): search through it,
rebuild behind an alias, and a server stopped mid-test: the database answers, writes go on, and they are
indexed once a server is back."""
import pytest
import sqlalchemy as sa
from osmem_server import OsmemServer

from app.indexing import get_indexer
from app.models import OutboxEvent, UserRole
from app.services.needs import post_need
from app.services.offers import create_solution

NEED = dict(description="Customers send back coils with scratches.", industry="steel", scenarios=[],
            region="Hebei", budget_min=None, budget_max=None, deadline=None)


@pytest.fixture
def server():
    with OsmemServer.start() as running:
        yield running


@pytest.fixture
def elastic(app, server):
    """Point the app's indexer at a fresh server; keyword-only, as osmem has no dense_vector."""
    clone = server.clone()
    indexer = get_indexer()
    indexer.elasticsearch_url, indexer.elasticsearch_knn, indexer._elastic = clone.url, False, None
    indexer.rebuild()
    yield clone
    clone.close()


def solution(provider, title: str):
    return create_solution(provider, title=title, summary="Finds scratches on strip.",
                           description="Line-scan cameras detect scratches on cold rolled strip.",
                           industries=["steel"], scenarios=["quality-inspection"], capabilities=[],
                           deployment=None, price_min=None, price_max=None)


def test_search_runs_on_elasticsearch_and_rebuild_swaps_the_alias(client, make_user, elastic):
    solution(make_user(UserRole.PROVIDER), "Strip scratch finder")
    backend = get_indexer().search
    assert backend.count("solution") == 1
    first = list(backend.es.indices.get_alias(name=backend.alias("solution")))
    get_indexer().rebuild()
    second = list(backend.es.indices.get_alias(name=backend.alias("solution")))
    assert first != second and len(second) == 1  # a new index behind the alias, the old one gone
    assert not backend.es.indices.exists(index=first[0])
    page = client.get("/search?q=scratches&type=solution").get_data(as_text=True)
    assert "Strip scratch finder" in page and "temporarily limited" not in page


def test_server_stopped_mid_test_never_fails_a_page_or_loses_a_write(client, db, make_user, elastic, server):
    provider = make_user(UserRole.PROVIDER)
    solution(provider, "Indexed while the server was up")
    elastic.close()  # the search server goes away

    late = solution(provider, "Written while the server was down")  # the write succeeds
    member = make_user(UserRole.ENTERPRISE)
    post_need(member, title="Scratched coils", **NEED)
    pending = db.session.scalars(sa.select(OutboxEvent)).all()
    assert {(e.entity, e.entity_id) for e in pending} >= {("solution", late.id)}

    response = client.get("/search?q=written")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Search is temporarily limited" in page and "Written while the server was down" in page

    back = server.clone()  # a server is back (at a new address): the outbox catches it up
    indexer = get_indexer()
    indexer.elasticsearch_url, indexer._elastic = back.url, None
    assert indexer.drain_quietly() == len(pending)
    assert db.session.scalars(sa.select(OutboxEvent)).all() == []
    page = client.get("/search?q=written&type=solution").get_data(as_text=True)
    assert "Written while the server was down" in page and "temporarily limited" not in page
    back.close()
