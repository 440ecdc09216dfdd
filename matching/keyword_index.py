"""Keyword index: SQLite FTS5, BM25 scores.

Two FTS tables per collection, keyed by the record id (rowid): one with the trigram
tokenizer, which finds Chinese (no spaces between words), and one with the porter
word tokenizer, which serves Latin-script words with a single posting list per word
(a trigram query intersects several large lists per word: about 10 ms per word at
100k records here, five to ten times the word table's cost). A query's Latin words go
to the word table, its Chinese pieces to the trigram table, and the scores add up.
Filters restrict rowids, never a predicate on an FTS column.

Ranking cost grows with the rows that contain a query's words: FTS5's bm25() costs about 5 µs per
matching row (measured here), so a need with a dozen ordinary words scores hundreds of thousands of
rows in a large catalogue. Words are therefore taken rarest first until their document frequencies
add up to POSTINGS_BUDGET; the common words left out carry little BM25 weight anyway (their idf is
low), and the vector side of the matcher covers meaning. Small catalogues never reach the budget,
so every word counts there. Document frequencies are cached until the next write.

With the glossary (matching/glossary.py) the word table also holds the English words of a record's
Chinese terms, and a query's Chinese terms add their English words to its word query: a need written
in Chinese finds English records by their words, and the reverse. The trigram table keeps the text
as written (snippets show it).

Reads use one connection per thread (file databases in WAL mode allow concurrent readers), so
search threads of a web worker do not queue behind one lock; writes share one connection.
"""
import sqlite3
import threading
from pathlib import Path

from matching.glossary import with_gloss
from matching.text import fts_query, latin_terms, or_query

_SAFE = frozenset("abcdefghijklmnopqrstuvwxyz_")
POSTINGS_BUDGET = 8_000
MAX_WORDS = 16


class KeywordIndex:
    def __init__(self, path: str | Path | None, glossary: bool = True):
        target = ":memory:" if path is None else str(path)
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._target = target
        self._db = sqlite3.connect(target, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._lock = threading.Lock()
        self._local = threading.local()
        self._tables: set[str] = set()
        self._df: dict[tuple[str, str], int] = {}
        self.postings_budget = POSTINGS_BUDGET
        self.glossary = glossary

    def words_of(self, text: str) -> str:
        """What the word table reads of a text: with the English words of its Chinese terms."""
        return with_gloss(text) if self.glossary else text

    def reader(self) -> sqlite3.Connection:
        """This thread's read connection (the shared one for an in-memory index)."""
        if self._target == ":memory:":
            return self._db
        reader = getattr(self._local, "db", None)
        if reader is None:
            reader = self._local.db = sqlite3.connect(self._target, check_same_thread=False, timeout=30)
        return reader

    def _read(self, sql: str, params=()) -> list[tuple]:
        """Run a read: on this thread's own connection for a file index, else under the writer's lock."""
        if self._target == ":memory:":
            with self._lock:
                return self._db.execute(sql, params).fetchall()
        return self.reader().execute(sql, params).fetchall()

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
        self._df.clear()
        glossed = [(i, self.words_of(title), self.words_of(body)) for i, title, body in docs]
        with self._lock, self._db:
            for t, rows in ((table, docs), (f"{table}_words", glossed)):
                self._db.executemany(f"DELETE FROM {t} WHERE rowid = ?", [(d[0],) for d in docs])
                self._db.executemany(f"INSERT INTO {t} (rowid, title, body) VALUES (?, ?, ?)", rows)

    def remove(self, collection: str, ids: list[int]) -> None:
        table = self._ensure(collection)
        self._df.clear()
        with self._lock, self._db:
            for t in (table, f"{table}_words"):
                self._db.executemany(f"DELETE FROM {t} WHERE rowid = ?", [(i,) for i in ids])

    def clear(self, collection: str) -> None:
        table = self._ensure(collection)
        self._df.clear()
        with self._lock, self._db:
            for t in (table, f"{table}_words"):
                self._db.execute(f"DELETE FROM {t}")

    def count(self, collection: str) -> int:
        table = self._ensure(collection)
        return self._read(f"SELECT count(*) FROM {table}")[0][0]

    def search(self, collection: str, text: str, limit: int = 100, allowed=None) -> list[tuple[int, float]]:
        """Return (id, bm25 score) best first; higher is better. `allowed` restricts ids."""
        if limit <= 0 or (allowed is not None and not allowed):
            return []
        table = self._ensure(collection)
        scores: dict[int, float] = {}
        terms = latin_terms(self.words_of(text))
        words = self._rarest(f"{table}_words", terms)
        if terms and not words:  # only very common words: who has them, newest first, unranked
            for rowid, score in self._run(f"{table}_words", or_query(terms[:MAX_WORDS]), limit, allowed, ranked=False):
                scores[rowid] = score
        for target, query in ((f"{table}_words", or_query(words)), (table, fts_query(text, cjk_only=True))):
            if query is not None:
                for rowid, score in self._run(target, query, limit, allowed):
                    scores[rowid] = scores.get(rowid, 0.0) + score
        return sorted(scores.items(), key=lambda kv: -kv[1])[:limit]

    def _frequency(self, table: str, term: str) -> int:
        """Rows containing a word (a count without ranking: ~0.03 µs per row), cached until a write."""
        key = (table, term)
        if key not in self._df:
            self._df[key] = self._read(f"SELECT count(*) FROM {table} WHERE {table} MATCH ?", (or_query([term]),))[0][0]
        return self._df[key]

    def _rarest(self, table: str, terms: list[str]) -> list[str]:
        """The query's words, rarest first, while their rows add up to the postings budget."""
        if len(self._df) > 100_000:
            self._df.clear()
        frequency = {t: self._frequency(table, t) for t in terms}
        kept, rows = [], 0
        for term in sorted(terms, key=lambda t: frequency[t]):
            if frequency[term] == 0:
                continue
            if rows + frequency[term] > self.postings_budget or len(kept) == MAX_WORDS:
                break
            kept.append(term)
            rows += frequency[term]
        return kept

    def _run(self, table: str, query: str, limit: int, allowed, ranked: bool = True) -> list[tuple[int, float]]:
        # Title matches count double: titles name what a record is about.
        score = f"-bm25({table}, 2.0, 1.0)" if ranked else "1e-6"
        sql = f"SELECT rowid, {score} AS score FROM {table} WHERE {table} MATCH ?"
        params: list = [query]
        few = allowed is not None and len(allowed) <= 30000
        if few:
            allowed = list(allowed)
            # "+rowid": a plain rowid constraint makes SQLite drive the query from the rowid list and
            # test MATCH row by row (seconds); the unary plus keeps the full-text index in charge.
            sql += f" AND +rowid IN ({','.join('?' * len(allowed))})"
            params += allowed
        sql += " ORDER BY score DESC LIMIT ?" if ranked else " ORDER BY rowid DESC LIMIT ?"
        params.append(limit if allowed is None or few else limit * 4)
        rows = self._read(sql, params)
        if allowed is not None and not few:
            keep = set(allowed)
            rows = [r for r in rows if r[0] in keep][:limit]
        return [(int(r[0]), float(r[1])) for r in rows]

    def highlight(self, collection: str, item_id: int, text: str, tokens: int = 24) -> str:
        """Return a snippet of the record's body with matched terms wrapped in <mark>.

        The snippet contains indexed text (escaped by the caller's template engine
        around the marks); used by the search page.
        """
        query = fts_query(self.words_of(text))
        if query is None:
            return ""
        table = self._ensure(collection)
        rows = self._read(
            f"SELECT snippet({table}, 1, '\x02', '\x03', '…', ?) FROM {table} WHERE {table} MATCH ? AND rowid = ?",
            (tokens, query, item_id))
        return rows[0][0] if rows else ""

    def close(self) -> None:
        self._db.close()
