"""Adapter that wires the matching library into the app (filled in below)."""


def init_app(app) -> None:
    app.extensions["chainmatch.indexer"] = None


def get_indexer():
    raise RuntimeError("indexer not configured")
