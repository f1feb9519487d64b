"""Lexical index: identifier-aware terms, FTS5 tokens, BM25 search over stdlib code and chat, hostile queries."""

from __future__ import annotations

import ast
import sqlite3
import sysconfig
from pathlib import Path

import pytest

from lam_memory import lexical
from lam_memory.lexical import indexed_max, name_runs, names, query_terms, remove, search, terms

STDLIB = Path(sysconfig.get_paths()["stdlib"])
CHAT = [
    "Why does HTTPResponse.read hang when the server sends a chunked transfer encoding?",
    "Chunked bodies are read piece by piece; check that every size line ends with CRLF.",
    "json.loads raises JSONDecodeError: Expecting value: line 1 column 1 (char 0)",
    "Deploy notes: the service listens on port 8080 and retries after 3.14 seconds.",
]


def _code_chunks() -> list[tuple[str, str, str]]:
    """(text, source, symbol) of stdlib definitions: HTTPResponse's reading methods and all of json's coders."""
    out = []
    for rel in ("http/client.py", "json/decoder.py", "json/encoder.py"):
        source = (STDLIB / rel).read_text(encoding="utf-8")
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef):
                out.append((ast.get_source_segment(source, node), rel, node.name))
            elif isinstance(node, ast.ClassDef) and node.name in ("HTTPResponse", "JSONDecoder", "JSONEncoder"):
                methods = [m for m in node.body if isinstance(m, ast.FunctionDef)]
                if node.name == "HTTPResponse":
                    methods = methods[methods.index(next(m for m in methods if m.name == "read")) :][:14]
                for m in methods:
                    out.append((ast.get_source_segment(source, m), rel, f"{node.name}.{m.name}"))
    return out


def _connect() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.executescript(lexical.SCHEMA)
    return conn


@pytest.fixture(scope="module")
def corpus() -> tuple[sqlite3.Connection, list[tuple[int, str, str, str]]]:
    chunks = _code_chunks() + [(text, "chat", "") for text in CHAT]
    rows = [(p, text, source, symbol) for p, (text, source, symbol) in enumerate(chunks)]
    conn = _connect()
    lexical.index(conn, rows)
    return conn, rows


def _position(rows, symbol: str) -> int:
    return next(p for p, _, _, s in rows if s == symbol)


# ---------------------------------------------------------------- tokenizer


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Response.aiter_raw", ["response.aiter_raw", "response", "aiter_raw", "aiter", "raw"]),
        ("getBackoffTime", ["getbackofftime", "get", "backoff", "time"]),
        ("HTTPServer", ["httpserver", "http", "server"]),
        ("snake_case_name", ["snake_case_name", "snake", "case", "name"]),
        ("urllib3/util/retry.py", ["urllib3/util/retry.py", "urllib3", "util", "retry.py", "retry", "py"]),
        ("_update_chunk_length", ["_update_chunk_length", "update_chunk_length", "update", "chunk", "length"]),
        ("getUTF8String", ["getutf8string", "get", "utf8", "string"]),
        (
            "lam_memory.store:Store",
            ["lam_memory.store:store", "lam_memory.store", "lam_memory", "lam", "memory", "store"],
        ),
        ("port 8080, pi = 3.14 and 127.0.0.1", ["port", "8080", "pi", "3.14", "and", "127.0.0.1"]),
        ("x = y + 1 if a else b", ["1", "if", "else"]),
        ("The Quick brown fox.", ["the", "quick", "brown", "fox"]),
        ("", []),
    ],
)
def test_terms(text, expected):
    assert terms(text) == expected


def test_terms_keep_repeats_and_unicode():
    assert terms("retry retry Retry") == ["retry"] * 3  # term frequency for BM25
    assert terms("café naïve") == ["café", "naïve"]
    assert terms("a" * 500 + "_tail") == ["tail"]  # over MAX_TERM: only the parts that fit are terms


def test_query_terms_dedupe_and_drop_stop_words():
    assert query_terms("What is the Response.aiter_raw of the response?") == [
        "response.aiter_raw",
        "response",
        "aiter_raw",
        "aiter",
        "raw",
    ]
    assert query_terms("is_valid") == ["is_valid", "valid"]  # a stop word inside an identifier is only a part
    assert query_terms("what is it, and how does this work?") == ["work"]
    assert query_terms("to be or not to be") == ["not"]


def test_query_terms_read_a_verb_and_its_particle_as_the_compound_noun():
    assert query_terms("How often do we back up the database?") == ["often", "we", "back", "up", "database", "backup"]
    assert "setup" in query_terms("how to Set Up the dev box")


@pytest.mark.parametrize(
    "text, runs",
    [
        ("Team dinner Friday is at Osteria Romana.", [["friday"], ["osteria", "romana"]]),  # a name of two words
        ("Maya sees Dr. Alvarez for her teeth.", [["dr", "alvarez"]]),  # a title's period ends no sentence
        ("The X1 was backordered so Ravi's getting a MacBook Air.", [["x1"], ["ravi"], ["macbook", "air"]]),
        ("Met Amy Ellis in Boston, then Lisbon.", [["amy", "ellis"], ["boston"], ["lisbon"]]),
        ("We met on 9 April. Then we left.", []),  # after a number: a date; a sentence's first word: any word
        ("Call `get_backoff_time` in retry.py", [["get_backoff_time"], ["retry.py"]]),  # identifiers too
    ],
)
def test_name_runs(text, runs):
    assert name_runs(text) == runs
    assert names(text) == list(dict.fromkeys(n for run in runs for n in run))


# ---------------------------------------------------------------- FTS5 tokens


def test_fts5_keeps_terms_whole():
    conn = _connect()
    lexical.index(conn, [(0, "return Response.aiter_raw()", "a.py", ""), (1, "response and aiter_raw", "b.py", "")])
    conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, lexical, 'row')")
    vocab = {t for (t,) in conn.execute("SELECT term FROM temp.vocab")}
    assert {"response.aiter_raw", "aiter_raw", "aiter", "a.py", "b.py"} <= vocab
    assert "and" not in vocab  # stop words are not indexed

    def match(expr: str) -> list[int]:
        return [r for (r,) in conn.execute("SELECT rowid FROM lexical WHERE lexical MATCH ? ORDER BY rowid", (expr,))]

    # Were `.` a separator, the phrase would also match row 1 ("response aiter_raw ..." once `and` is dropped).
    assert match('"response.aiter_raw"') == [0]
    assert match("aiter") == [0, 1]


# ---------------------------------------------------------------- search


def test_corpus_is_realistic(corpus):
    _, rows = corpus
    assert 28 <= len(rows) <= 40
    assert {"HTTPResponse._read_next_chunk_size", "JSONDecoder.raw_decode", "py_scanstring"} <= {r[3] for r in rows}


@pytest.mark.parametrize(
    "query, symbol",
    [
        ("_read_next_chunk_size", "HTTPResponse._read_next_chunk_size"),
        ("where is _read_next_chunk_size defined?", "HTTPResponse._read_next_chunk_size"),
        ("JSONDecoder.raw_decode", "JSONDecoder.raw_decode"),
        ("HTTPResponse._safe_read", "HTTPResponse._safe_read"),
        ("py_scanstring", "py_scanstring"),
        ("getChunkLeft", "HTTPResponse._get_chunk_left"),  # camelCase query parts match snake_case parts
        ("rawDecode", "JSONDecoder.raw_decode"),
        ("decode", "JSONDecoder.decode"),  # the exact name outranks raw_decode, where `decode` is a part
        ("read", "HTTPResponse.read"),  # not _safe_read or _read_chunked
        ("iterencode", "JSONEncoder.iterencode"),  # not _make_iterencode
    ],
)
def test_symbol_query_finds_its_definition_first(corpus, query, symbol):
    conn, rows = corpus
    hits = search(conn, query, limit=5)
    assert hits[0][0] == _position(rows, symbol), [rows[p][3] for p, _ in hits]


def test_symbol_beats_callers(corpus):
    conn, rows = corpus
    hits = dict(search(conn, "_read_next_chunk_size", limit=10))
    callers = [p for p, text, _, symbol in rows if "_read_next_chunk_size" in text and "._read_next" not in symbol]
    assert callers and all(p in hits for p in callers)  # callers are found too, below the definition
    assert all(hits[p] < hits[_position(rows, "HTTPResponse._read_next_chunk_size")] for p in callers)


@pytest.mark.parametrize("source", ["json/encoder.py", "json/decoder.py"])
def test_path_query_finds_that_source_first(corpus, source):
    conn, rows = corpus
    n = sum(1 for r in rows if r[2] == source)
    hits = search(conn, source, limit=n)
    assert len(hits) == n and all(rows[p][2] == source for p, _ in hits)


def test_scores_are_higher_better_and_sorted(corpus):
    conn, rows = corpus
    hits = search(conn, "chunked transfer encoding port 8080", limit=50)
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
    assert rows[search(conn, "8080", limit=1)[0][0]][1] == CHAT[3]
    assert len(search(conn, "chunked", limit=3)) == 3


def test_weights_are_applied(corpus):
    conn, rows = corpus
    body_only = search(conn, "JSONDecoder.raw_decode", limit=3, weights=(1.0, 0.0, 0.0))
    assert body_only[0][0] != _position(rows, "JSONDecoder.raw_decode")  # its body never names the class


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        '"',
        'say "hello',
        "NEAR(a b",
        "NEAR(read chunked, 2)",
        "read*",
        "*",
        "-read",
        "- : ^ + ( ) { } [ ]",
        "body:read",
        "symbol : json",
        "read AND OR NOT",
        "what is the",
        "'; DROP TABLE lexical; --",
        "\x00\n\t",
        "é" * 300,
    ],
)
def test_hostile_queries_do_not_raise(corpus, query):
    conn, _ = corpus
    assert isinstance(search(conn, query, limit=5), list)


def test_only_stop_words_or_empty_return_nothing(corpus):
    conn, _ = corpus
    assert search(conn, "what is the", limit=5) == []
    assert search(conn, "", limit=5) == []
    assert search(conn, "read", limit=0) == []


def test_long_query(corpus):
    conn, _ = corpus
    assert search(conn, " ".join(f"word{i}" for i in range(3000)) + " py_scanstring", limit=1)


# ---------------------------------------------------------------- maintenance


def test_empty_index():
    conn = _connect()
    assert search(conn, "anything at all", limit=5) == []
    assert indexed_max(conn) == -1


def test_remove_and_replace():
    conn = _connect()
    rows = [(p, text, source, symbol) for p, (text, source, symbol) in enumerate(_code_chunks()[:6])]
    lexical.index(conn, rows)
    assert indexed_max(conn) == 5
    target = rows[2]
    assert search(conn, target[3], limit=1)[0][0] == 2
    remove(conn, [2, 99])  # 99 was never indexed
    assert all(p != 2 for p, _ in search(conn, target[3], limit=10))
    lexical.index(conn, [(5, "completely different words", "notes.md", "")])  # re-indexing a position replaces it
    assert [p for p, _ in search(conn, "completely", limit=5)] == [5]
    assert all(p != 5 for p, _ in search(conn, rows[5][3], limit=10))
    assert conn.execute("SELECT COUNT(*) FROM lexical").fetchone()[0] == 5
    remove(conn, [0, 1, 3, 4, 5])
    assert indexed_max(conn) == -1


def test_caller_owns_the_transaction(tmp_path):
    conn = sqlite3.connect(tmp_path / "archive.sqlite", isolation_level=None)
    conn.executescript(lexical.SCHEMA)
    conn.execute("BEGIN IMMEDIATE")
    lexical.index(conn, [(0, "def rolled_back(): pass", "a.py", "rolled_back")])
    assert conn.in_transaction
    conn.execute("ROLLBACK")
    assert indexed_max(conn) == -1
    conn.execute("BEGIN IMMEDIATE")
    lexical.index(conn, [(7, "def kept(): pass", "a.py", "kept")])
    conn.execute("COMMIT")
    conn.close()
    conn = sqlite3.connect(tmp_path / "archive.sqlite")
    assert indexed_max(conn) == 7 and search(conn, "kept", limit=1)[0][0] == 7


def test_document_counts_and_holding_follow_the_index():
    conn = _connect()
    texts = [
        "Ximena is on project Willow2-17.",
        "The Willow2-17 project's database is Neo4j.",
        "Willow2-17 had its kickoff.",
        "The Quartz-63 database is Cassandra.",
    ]
    lexical.index(conn, [(p, t, "chat", "") for p, t in enumerate(texts)])
    assert lexical.document_counts(conn, ["willow2-17", "database", "nowhere"]) == {
        "willow2-17": 3,
        "database": 2,
        "nowhere": 0,
    }
    assert lexical.holding(conn, "willow2-17", ["database", "db"], limit=5) == [1]
    assert lexical.holding(conn, 'a "quoted" word', ["NEAR(x y)"], limit=5) == []  # user text is never syntax
    remove(conn, [1])
    assert lexical.document_counts(conn, ["willow2-17"]) == {"willow2-17": 2}
    assert lexical.holding(conn, "willow2-17", ["database"], limit=5) == []


def test_rare_words_are_read_no_further_than_the_limit():
    """`lexical.rare`: the chunks holding each word that at most `most` chunks hold, in order; a word held more often
    is left out (read for `most` + 1 postings only), and a forgotten chunk no longer holds its words."""
    conn = _connect()
    texts = ["The plumber comes Friday.", "Plumber bailed, Saturday now.", "Friday drinks?", "Friday it is.", "ok"]
    lexical.index(conn, [(p, t, "chat", "") for p, t in enumerate(texts)])
    assert lexical.rare(conn, ["plumber", "friday", "nowhere", "plumber"], most=2) == {"plumber": [0, 1], "nowhere": []}
    assert lexical.rare(conn, ["friday"], most=3) == {"friday": [0, 2, 3]}
    remove(conn, [1])
    assert lexical.rare(conn, ["plumber"], most=2) == {"plumber": [0]}


def test_a_postings_budget_reads_the_rarest_terms_first():
    """With `postings`, only the rarest terms whose chunks number at most that many together are read (the rarest
    one always): each term is counted by reading at most postings + 1 of its postings, and an index too small to
    exceed the budget is searched as before, without counting."""
    conn = _connect()
    rows = [(p, f"def handler_{p}(self): return value", "a.py", f"handler_{p}") for p in range(40)]
    rows += [(40, "def retry_budget(self): return value", "b.py", "retry_budget")]
    rows += [(41, "the retry budget doubles", "notes.md", "")]
    rows += [(42, "budget review with the value team", "notes.md", "")]
    lexical.index(conn, rows)
    assert lexical.document_counts(conn, ["self", "value", "retry", "budget"]) == {
        "self": 41, "value": 42, "retry": 2, "budget": 3,
    }  # fmt: skip
    assert lexical.rarest(conn, ["self", "retry", "value", "nowhere"], postings=40) == ["nowhere", "retry"]
    assert lexical.rarest(conn, ["self", "retry", "budget"], postings=5) == ["retry", "budget"]  # 2 + 3 = 5
    assert lexical.rarest(conn, ["self", "retry", "budget"], postings=4) == ["retry"]  # 3 more would be 5
    assert lexical.rarest(conn, ["value", "self"], postings=40) == ["value"]  # none fits: both count 41, query order
    assert lexical.rarest(conn, ["value", "self"], postings=41) == ["self"]  # none fits: the rarest one, counted
    assert lexical.rarest(conn, ["self", "retry"], postings=43) == ["retry", "self"]  # 2 + 41 <= 43
    query = "retry self value"
    assert search(conn, query, limit=50, postings=40) == search(conn, "retry", limit=50)
    assert len(search(conn, query, limit=50)) == 43  # without a budget: every chunk holding any term
    assert search(conn, query, limit=50, postings=1 << 20) == search(conn, query, limit=50)
    statements = []
    conn.set_trace_callback(statements.append)
    search(conn, query, limit=50, postings=43 * 3)  # 43 chunks x 3 terms: the budget cannot bind, nothing counted
    assert len([s for s in statements if not s.startswith("--")]) == 2  # the largest position, then the query
    statements.clear()
    search(conn, query, limit=50, postings=40)
    assert len([s for s in statements if not s.startswith("--")]) == 2 + 3  # and a count for each term
    assert sum("LIMIT 41)" in s for s in statements) == 3  # each count reads at most postings + 1
