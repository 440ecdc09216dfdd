"""Keyword index: SQLite FTS5, BM25 scores.

Two FTS tables per collection, keyed by the record id (rowid): one with the trigram
tokenizer, which finds Chinese (no spaces between words), and one with the porter
word tokenizer, which serves Latin-script words with a single posting list per word
(a trigram query intersects several large lists per word: about 10 ms per word at
100k records here, five to ten times the word table's cost). A query's Latin words go
to the word table, its Chinese pieces to the trigram table, and the scores add up.
Filters restrict rowids, never a predicate on an FTS column.
"""
import sqlite3
import threading
from pathlib import Path

from matching.text import fts_query, latin_query

_SAFE = frozenset("abcdefghijklmnopqrstuvwxyz_")


class KeywordIndex:
    def __init__(self, path: str | Path | None):
        target = ":memory:" if path is None else str(path)
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(target, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._lock = threading.Lock()
        self._tables: set[str] = set()

    @staticmethod
    def _table(collection: str) -> str:
        if not collection or not set(collection) <= _SAFE:
            raise ValueError(f"bad collection name {collection!r}")
        return f"fts_{collection}"

    def _ensure(self, collection: str) -> str:
        table = self._table(collection)
        if table not in self._tables:
            with self._lock, self._db:
                self._db.execute(
                    f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5(title, body, tokenize='trigram')"
                )
                self._db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {table}_words USING "
                                 f"fts5(title, body, tokenize='porter unicode61 remove_diacritics 2')")
            self._tables.add(table)
        return table

    def upsert(self, collection: str, docs: list[tuple[int, str, str]]) -> None:
        """Index (id, title, body) documents, replacing earlier versions."""
        table = self._ensure(collection)
        with self._lock, self._db:
            for t in (table, f"{table}_words"):
                self._db.executemany(f"DELETE FROM {t} WHERE rowid = ?", [(d[0],) for d in docs])
                self._db.executemany(f"INSERT INTO {t} (rowid, title, body) VALUES (?, ?, ?)", docs)

    def remove(self, collection: str, ids: list[int]) -> None:
        table = self._ensure(collection)
        with self._lock, self._db:
            for t in (table, f"{table}_words"):
                self._db.executemany(f"DELETE FROM {t} WHERE rowid = ?", [(i,) for i in ids])

    def clear(self, collection: str) -> None:
        table = self._ensure(collection)
        with self._lock, self._db:
            for t in (table, f"{table}_words"):
                self._db.execute(f"DELETE FROM {t}")

    def count(self, collection: str) -> int:
        table = self._ensure(collection)
        with self._lock:
            return self._db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def search(self, collection: str, text: str, limit: int = 100, allowed=None) -> list[tuple[int, float]]:
        """Return (id, bm25 score) best first; higher is better. `allowed` restricts ids."""
        if limit <= 0 or (allowed is not None and not allowed):
            return []
        table = self._ensure(collection)
        scores: dict[int, float] = {}
        for target, query in ((f"{table}_words", latin_query(text)), (table, fts_query(text, cjk_only=True))):
            if query is not None:
                for rowid, score in self._run(target, query, limit, allowed):
                    scores[rowid] = scores.get(rowid, 0.0) + score
        return sorted(scores.items(), key=lambda kv: -kv[1])[:limit]

    def _run(self, table: str, query: str, limit: int, allowed) -> list[tuple[int, float]]:
        # Title matches count double: titles name what a record is about.
        sql = f"SELECT rowid, -bm25({table}, 2.0, 1.0) AS score FROM {table} WHERE {table} MATCH ?"
        params: list = [query]
        few = allowed is not None and len(allowed) <= 30000
        if few:
            allowed = list(allowed)
            # "+rowid": a plain rowid constraint makes SQLite drive the query from the rowid list and
            # test MATCH row by row (seconds); the unary plus keeps the full-text index in charge.
            sql += f" AND +rowid IN ({','.join('?' * len(allowed))})"
            params += allowed
        sql += " ORDER BY score DESC LIMIT ?"
        params.append(limit if allowed is None or few else limit * 4)
        with self._lock:
            rows = self._db.execute(sql, params).fetchall()
        if allowed is not None and not few:
            keep = set(allowed)
            rows = [r for r in rows if r[0] in keep][:limit]
        return [(int(r[0]), float(r[1])) for r in rows]

    def highlight(self, collection: str, item_id: int, text: str, tokens: int = 24) -> str:
        """Return a snippet of the record's body with matched terms wrapped in <mark>.

        The snippet contains indexed text (escaped by the caller's template engine
        around the marks); used by the search page.
        """
        query = fts_query(text)
        if query is None:
            return ""
        table = self._ensure(collection)
        with self._lock:
            row = self._db.execute(
                f"SELECT snippet({table}, 1, '\x02', '\x03', '…', ?) FROM {table} WHERE {table} MATCH ? AND rowid = ?",
                (tokens, query, item_id),
            ).fetchone()
        return row[0] if row else ""

    def close(self) -> None:
        self._db.close()
