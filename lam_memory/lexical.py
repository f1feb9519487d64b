"""Lexical index of the archive: identifier-aware terms in an SQLite FTS5 table ranked by BM25.

Text is tokenized here in Python (`terms`) and stored pre-tokenized, one space-separated term string per column, in
the FTS5 table `lexical` of `archive.sqlite` (rowid = the chunk's position). The table's tokenizer keeps `.`, `_`,
`/`, `-` and `:` inside tokens, so it only splits where `terms` put a space: `response.aiter_raw` stays one FTS5
token and `aiter` is another.

The functions take a `sqlite3.Connection` owned by the caller and never BEGIN or COMMIT: the caller indexes chunks in
the transaction that appends them, so the index and the archive commit or roll back together.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Callable, Collection, Iterable
from functools import lru_cache

# FTS5 keeps these characters inside a token; they are exactly the joiners `terms` leaves in a term, so each
# space-separated term is one token (letters and digits are token characters anyway). Diacritics are folded the
# same way at index and query time. The table stores the term strings (needed for DELETE), not the chunk text.
SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS lexical USING fts5(
    body, source, symbol,
    tokenize = "unicode61 remove_diacritics 2 tokenchars '._/-:'"
);
"""

# bm25() weights of (body, source, symbol). A query naming a symbol or a file should find its definition or that
# file first, not the many chunks that merely mention it: a match in the short symbol column ("Class.method") counts
# most, one in the source path next, and body text is the baseline. BM25 saturates term frequency, so a body that
# repeats a name cannot outweigh a symbol match. On 2 MB of stdlib code, a query naming a symbol ranks its definition
# first 90% of the time with equal weights, 97.5% with these (doubling them again changes nothing).
WEIGHTS: tuple[float, float, float] = (1.0, 4.0, 8.0)

# A short English list. Applied at index time as well as at query time: the query can never ask for these words, so
# their postings (11% of the terms of Python code: `in`, `for`, `is`, `and`, ...) would be dead weight. Parts of
# identifiers are only dropped when they equal a stop word (`is_valid` keeps `is_valid` and `valid`).
STOP_WORDS = frozenset(
    "a an and are as be by do does for how in is it of on or that the this to what when where which with".split()
)

MAX_TERM = 128  # longer terms (blobs, minified code) are not indexed whole; their parts still are

# A raw token: runs of word characters joined by single `.`, `/`, `:`, `-` or by `::` (`a.b`, `x/y.py`, `a::b`).
_TOKEN = re.compile(r"\w+(?:(?:::|[./:-])\w+)*")
_PATH_SEP = re.compile(r"[/:]+")  # paths, `module:attr`, `file.py:10-20`, `std::vec`
_NAME_SEP = re.compile(r"[.-]")
_NUMBER = re.compile(r"\d+(?:[.:-]\d+)*")
# camelCase parts: `HTTPServer` -> HTTP, Server; `getUTF8String` -> get, UTF8, String.
_CAMEL = re.compile(r"[A-Z]+\d*(?=[A-Z][a-z])|[A-Z]?[a-z]+\d*|[A-Z]+\d*|\d+")


@lru_cache(maxsize=1 << 14)  # identifiers repeat: 3-4x faster; at most ~6 MB
def _expand(token: str) -> tuple[str, ...]:
    """One raw token -> its lowercased terms: the whole, then path parts, dotted parts, snake parts, camel parts."""
    out = [token]
    if not _NUMBER.fullmatch(token):  # 3.14, 8080, 127.0.0.1 stay whole only
        for path_part in _PATH_SEP.split(token):
            out.append(path_part)
            for name in _NAME_SEP.split(path_part):
                bare = name.strip("_")
                out += (name, bare)  # `_update_chunk_length` also as `update_chunk_length`
                for word in bare.split("_") if "_" in bare else (bare,):
                    out.append(word)
                    if word.isascii() and not word.islower() and not word.isupper():
                        out.extend(_CAMEL.findall(word))
    kept = (t.lower() for t in out if len(t) <= MAX_TERM and (len(t) > 1 or t.isdigit()) and t.strip("_"))
    return tuple(dict.fromkeys(kept))


def terms(text: str) -> list[str]:
    """Lowercased terms of `text`, in order, repeats kept (they are term frequencies).

    Identifiers are kept whole and with their parts: `Response.aiter_raw` -> response.aiter_raw, response,
    aiter_raw, aiter, raw; `getBackoffTime` -> getbackofftime, get, backoff, time; `urllib3/util/retry.py` ->
    the path, urllib3, util, retry.py, retry, py. Numbers stay whole (`3.14`). Single characters other than digits
    are dropped. The index stems nothing: identifiers must match exactly, and a stemmer would conflate `handler`
    with `handle`.
    """
    out: list[str] = []
    for token in _TOKEN.findall(text):
        out.extend(_expand(token))
    return out


# A verb and its particle name what the compound noun names: a question says "back up", "set up", "roll out", the
# statement "backups", "the setup", "the rollout".
_PHRASAL = re.compile(r"\b([a-z]{3,})\s+(up|out|in|on|off|over|down|back)\b", re.IGNORECASE)


def query_terms(text: str) -> list[str]:
    """The distinct terms of a query, in order of first occurrence, without stop words, and after them the compound
    of each word with the particle after it ("back up" -> backup: `_PHRASAL`)."""
    compounds = [(word + particle).lower() for word, particle in _PHRASAL.findall(text)]
    return [t for t in dict.fromkeys(terms(text) + compounds) if t not in STOP_WORDS]


_WH = frozenset({"what", "which", "whose"})
_SKIP = frozenset("is are am was were s the a an our my your its their current now".split())  # `s`: "what's"
# Auxiliaries before a question's subject: in "what does X ..." the words after the auxiliary name the subject.
AUXILIARIES = frozenset("do does did can could will would should may might".split())


DETERMINERS = frozenset("the a an this that these those my our your their his her its".split())
# Where a noun phrase after "what is the ..." ends: a word of grammar, a form of be or have, a relative word.
_PHRASE_END = STOP_WORDS | AUXILIARIES | frozenset("was were has have had at from about after than who whom".split())


def asked_word(query: str) -> tuple[list[str], int, int] | None:
    """Where a question names what it asks for: its raw tokens, the index of the first token after `what` / `which`
    / `whose` (or `how many` / `how much`), and the index of the asked word, the first from there that is not an
    article, a form of `be` or `current` ("Which port does ..." -> port); None without one. After an article
    ("What is the max upload size?", "What is the on-call phone number?") the words up to a word of grammar, a
    name or the end are one noun phrase, and the asked word is its last, as English puts a phrase's head last
    (size, number; a participle after it is a verb: "What is the dog *named*?"); a possessive name is such an
    article ("What is *Dana's* email address?": address), and a name before a noun qualifies it ("What's the
    *Netflix* password?": password; read as the asked word, a name asked for nothing, and the question no current
    value). Read as the first, "on-call" was the asked word, a statement could leave it out, and "The office phone
    number is 555-0100" marked the on-call number superseded. The callers judge the word (an auxiliary or a proper
    name asks for nothing: `answer_terms`)."""
    raw = _TOKEN.findall(query)
    words = [w.lower() for w in raw]
    for i, w in enumerate(words):
        if w in _WH or (w == "how" and words[i + 1 : i + 2] in (["many"], ["much"])):
            start = i + (2 if w == "how" else 1)
            j = next((j for j in range(start, len(words)) if words[j] not in _SKIP), None)
            if j is None:
                return None
            k = j
            while k < len(words) and _proper(raw[k]):
                k += 1
            owner = k > j and words[k : k + 1] == ["s"] and k + 1 < len(words)  # "Dana's": a determiner
            if owner:
                j = k + 1
            elif k > j and k < len(words) and words[k] not in _PHRASE_END and DETERMINERS & set(words[start:j]):
                j = k  # a name before a noun qualifies it: "the *Netflix* password", "the *Wi-Fi* password"
            if (owner or DETERMINERS & set(words[start:j])) and not _proper(raw[j]):
                end = j + 1
                while end < len(words) and words[end] not in _PHRASE_END and not _proper(raw[end]):
                    end += 1
                j = end - 2 if end - j > 1 and words[end - 1].endswith("ed") else end - 1
            return raw, start, j
    return None


def answer_terms(query: str) -> frozenset[str]:
    """The terms of the word a question asks for (`asked_word`: "Which port does ..." -> port). None when a verb
    comes first ("What does the search API use?": the words after it name the subject, not the answer), or a
    proper name ("What is Ivan?"; in "What is Ivan Kowalski's badge number?" the name says whose, and number is
    asked; an acronym still counts, "Which CI system ..." -> ci). A statement that answers gives the value and may
    leave that word out ("it is now on 8443")."""
    found = asked_word(query)
    if found is None:
        return frozenset()
    raw, _, j = found
    word = raw[j].lower()
    return frozenset() if word in AUXILIARIES or _proper(raw[j]) else frozenset(_expand(word))


def _proper(token: str) -> bool:
    """Whether a raw token is capitalized as a proper name ("Slack", "Ivan"; not "URL", "API")."""
    return token[0].isupper() and not token.isupper()


_MIXED = re.compile(r"[A-Za-z].*\d|\d.*[A-Za-z]")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)", re.IGNORECASE)
_CODE_SPAN = re.compile(r"`+([^`]+)`+")  # Markdown code spans
_INNER_CAPITAL = re.compile(r".[A-Z]")
_FILE_NAME = re.compile(r"[^.]+\.[A-Za-z]\w*")  # a file name with an extension: `util.py`, `README.md`
ADDRESS = re.compile(r"\S+@\S+|https?://\S+")  # an email address or a URL
STAMP = re.compile(r"^\s*\[[^\]]{0,80}\]\s*(?:[\w .'-]{1,40}:)?\s*")  # a transcript's "[time] Speaker:"


def unstamped(text: str) -> str:
    """`text` without its transcript stamp ("[8:56 pm on 20 July, 2023] Nate:"), if it has one."""
    return STAMP.sub("", text, count=1)


def names(text: str) -> list[str]:
    """The names `text` mentions, as index terms, in order: identifiers and proper names, not plain words. A raw
    token is a name when it is not a number and has `_ . / :` inside (`foo_bar`, `a.b`, `x/y.py`), mixes letters and
    digits (`Dune2-31`, `utf8`; not an ordinal, "the 3rd floor"), has a capital after its first letter (`CircleCI`,
    `HTTPServer`), or starts with a capital inside a sentence (after a word or a comma: "by Amy Ellis", "in Boston";
    after a title's period, "Dr. Chen"; after a number it is a date or a unit, "9 April")."""
    return list(dict.fromkeys(n for run in name_runs(text) for n in run))


TITLES = frozenset("dr mr mrs ms prof st".split())  # "Dr." ends no sentence: "Dr. Chen" is one name
MONTHS = "january february march april may june july august september october november december".split()
DAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
CALENDAR = frozenset(MONTHS + DAYS)  # a date names no thing: any fact may fall on a Thursday


def name_runs(text: str) -> list[list[str]]:
    """The names of `text` (`names`, repeats kept) in runs of those said one after the other: "Osteria Romana",
    "Dr. Chen" and "MacBook Air" are one name each."""
    return [list(run) for run in _name_runs(text)]


@lru_cache(maxsize=1 << 12)  # a search reads each candidate's names many times (`changes.announced`)
def _name_runs(text: str) -> tuple[tuple[str, ...], ...]:
    runs: list[list[str]] = []
    last = -1  # where the previous name ended, if it was the token just before
    for m in _TOKEN.finditer(text):
        token = m.group()
        if _NUMBER.fullmatch(token):
            last = -1
            continue
        gap = text[last : m.start()] if last >= 0 else None
        before = text[max(0, m.start() - 16) : m.start()].rstrip()[-1:]
        titled = gap is not None and gap.strip() == "." and runs[-1][-1] in TITLES
        name = _is_identifier(token) or (token[0].isupper() and (before.isalpha() or before == "," or titled))
        whole = _expand(token)[:1] if name else ()
        if whole and whole[0] == token.lower() and whole[0] not in STOP_WORDS:
            if gap is not None and (not gap.strip() or titled):
                runs[-1].append(whole[0])
            else:
                runs.append([whole[0]])
            last = m.end()
        else:
            last = -1
    return tuple(map(tuple, runs))


def identifiers(query: str, is_word: Callable[[str], bool] | None = None) -> list[str]:
    """The identifiers a query names, as written, `::` and `:` read as `.`: tokens shaped like code (`_ . :` inside,
    a capital after the first letter, letters mixed with digits: `get_backoff_time`, `Retry.increment`,
    `HTTPServer`), words marked as code (in backticks: "What does `triplewise` do?"), the whole query when it is
    one token (`lam query escape` looks a name up, as grep does), and, in a question and given `is_word` (whether a
    lowercase word is a word of the language), plain lowercase words it rejects ("What does groupby do?", not
    "What does load do?"). A question names what it asks about; a sentence that is not one, as a docstring's
    ("Every nth item in seq"), uses code's words as its vocabulary (parameters, types), not as names. Capitalized
    words are not identifiers here: "a Task" in a question is a word, `Task.advance` is a name. Numbers and paths
    (`src/app.py` names a file) are neither."""
    tokens = _TOKEN.findall(query)
    marked = {t for span in _CODE_SPAN.findall(query) for t in _TOKEN.findall(span)}
    asks = is_word is not None and query.rstrip().endswith("?")
    coined = {t for t in tokens if asks and t.isalpha() and t.islower() and len(t) > 2 and not is_word(t)}
    picked = [t for t in tokens if len(tokens) == 1 or t in marked or t in coined or _is_identifier(t)]
    picked = [t for t in picked if not _NUMBER.fullmatch(t) and "/" not in t]
    return list(dict.fromkeys(t.replace("::", ".").replace(":", ".") for t in picked))


_ABOUT_ONE = re.compile(r"(?:what|how)\s+(?:does|do|is)\s+([A-Z][a-z]+)(?:\s+(?:do|work|mean|for))?\s*\?", re.I)


def class_word(query: str) -> str | None:
    """The one capitalized word a request holds after its first word, when it holds exactly one ("Show me the code
    of *List*."): written so in code, a class's name (PEP 8's CapWords). A question capitalizes people, places and
    products ("Which *Slack* channel do we use?", in a memory that also holds a `class Slack`, had that class
    first), so in a question only a word that is its whole subject counts: "What does *Fraction* do?", "What is
    *Enum*?", "How does *Flag* work?". With two or more the query asks how things relate, not for one definition;
    and a name with a capital inside (`HTTPServer`) is an identifier already (`identifiers`)."""
    if query.rstrip().endswith("?"):
        whole = _ABOUT_ONE.fullmatch(query.strip())
        return whole.group(1) if whole and whole.group(1)[0].isupper() else None
    words = [t for t in _TOKEN.findall(query)[1:] if t.isalpha() and t[0].isupper() and t[1:].islower()]
    return words[0] if len(words) == 1 else None


def paths(query: str) -> list[str]:
    """The tokens of a query that may name a file: a last part with an extension (`markdown/util.py`, `retry.py`,
    `a/b.txt`), `\\` read as `/`. `versions.names_file` decides whether one names a given file."""
    return [t for t in _path_tokens(query) if _FILE_NAME.fullmatch(t.rsplit("/", 1)[-1])]


def plain_words(query: str) -> list[str]:
    """A query's tokens that are plain words as written (letters, digits after the first, `_`), stop words aside:
    the names it may give a file's units once it names the file ("Show the latest implementation of *store* in
    markdown/util.py", `LAMMemory._lift_named`). Read as `paths` reads them: `pkg\\app.py` is no word."""
    return [t for t in dict.fromkeys(_path_tokens(query)) if t.isidentifier() and t.lower() not in STOP_WORDS]


def _path_tokens(query: str) -> list[str]:
    return _TOKEN.findall(query.replace("\\", "/"))  # a Windows path read as a POSIX one


def _is_identifier(token: str) -> bool:
    """Whether a raw token is shaped like a name of code or a product; an ordinal ("3rd", "21st") is a number."""
    if _ORDINAL.fullmatch(token):
        return False
    return any(c in token for c in "_./:") or bool(_MIXED.search(token) or _INNER_CAPITAL.search(token))


def _document(text: str) -> str:
    return " ".join(t for t in terms(text) if t not in STOP_WORDS)


def _symbol_document(symbol: str) -> str:
    """The symbol's terms, plus its whole name and last name once more: `decode` ranks `JSONDecoder.decode` above
    `JSONDecoder.raw_decode`, where `decode` is only a part (on stdlib code, a bare name finds its own definition
    first 97.5% of the time instead of 90%)."""
    last = symbol.rsplit(".", 1)[-1].lower()
    names = {symbol.lower(), last, last.strip("_")}
    exact = [t for t in dict.fromkeys(terms(symbol)) if t in names and t not in STOP_WORDS]
    return " ".join([*exact, _document(symbol)])


def index(conn: sqlite3.Connection, rows: Iterable[tuple[int, str, str, str]]) -> None:
    """Index (position, text, source, symbol) rows; a position indexed before is replaced."""
    conn.executemany(
        "INSERT OR REPLACE INTO lexical(rowid, body, source, symbol) VALUES (?, ?, ?, ?)",
        ((int(p), _document(text), _document(source), _symbol_document(symbol)) for p, text, source, symbol in rows),
    )


def remove(conn: sqlite3.Connection, positions: Iterable[int]) -> None:
    """Remove positions from the index (positions not indexed are ignored)."""
    conn.executemany("DELETE FROM lexical WHERE rowid = ?", ((int(p),) for p in positions))


def search(
    conn: sqlite3.Connection,
    query: str,
    limit: int,
    weights: tuple[float, float, float] = WEIGHTS,
    postings: int = 0,
) -> list[tuple[int, float]]:
    """Best `limit` (position, score) for any of the query's terms, best first; score = -bm25(), higher is better.

    With `postings` (0: no bound), only the rarest terms whose chunks number at most that many together are read
    (`rarest`). Each term is quoted for FTS5, so no user text (quotes, NEAR, *, -, column filters) is read as query
    syntax.
    """
    words = query_terms(query)
    if not words or limit <= 0:
        return []
    if postings > 0 and len(words) > 1 and (indexed_max(conn) + 1) * len(words) > postings:
        words = rarest(conn, words, postings)  # else too few chunks times terms: the budget cannot bind
    match = " OR ".join(_quote(w) for w in words)
    rows = conn.execute(
        "SELECT rowid, bm25(lexical, ?, ?, ?) AS s FROM lexical WHERE lexical MATCH ? ORDER BY s, rowid LIMIT ?",
        (*map(float, weights), match, int(limit)),
    ).fetchall()
    return [(position, -score) for position, score in rows]


def rarest(conn: sqlite3.Connection, words: list[str], postings: int) -> list[str]:
    """The rarest of `words` (rarest first) whose chunks number at most `postings` together; the rarest one always.
    Each term is counted by reading at most `postings` + 1 of its postings.

    An OR query ranks every chunk that holds any of its terms, and FTS5's bm25() costs about 1 us a chunk (counting a
    posting, about 0.1): a 12-word query of code at 10M tokens held 20-60K chunks. BM25 is a sum over the terms,
    each weighted by idf = ln((N - n + 0.5) / (n + 0.5)) for a term held by n of N chunks, so the terms left out,
    the most common, weigh least, and the query's cost is bounded by `postings` chunks whatever the memory's size.
    Among terms held equally often, the query's order decides. The memory's budget (`MemoryConfig.lexical_postings`,
    8,192) is what ends within the encoding and the dense scan that the lexical query runs beside (`memory._beside`;
    ~17 ms at 10M tokens on 2 cores), at ~1 us a chunk ranked and ~0.1 us a posting counted."""
    sql = "SELECT count(*) FROM (SELECT rowid FROM lexical WHERE lexical MATCH ? LIMIT ?)"
    counts = {w: conn.execute(sql, (_quote(w), postings + 1)).fetchone()[0] for w in words}
    kept, total = [], 0
    for word in sorted(counts, key=counts.__getitem__):
        if kept and total + counts[word] > postings:
            break
        kept.append(word)
        total += counts[word]
    return kept


def rare(conn: sqlite3.Connection, words: Iterable[str], most: int) -> dict[str, list[int]]:
    """The chunks (positions, in order) holding each of `words` that at most `most` chunks hold; each term is read
    for at most `most` + 1 of its postings, so a common word costs no more than a rare one."""
    sql = "SELECT rowid FROM lexical WHERE lexical MATCH ? ORDER BY rowid LIMIT ?"
    held = {w: [r[0] for r in conn.execute(sql, (_quote(w), most + 1))] for w in dict.fromkeys(words)}
    return {w: ps for w, ps in held.items() if len(ps) <= most}


def _quote(word: str) -> str:
    """One term as an FTS5 string: user text is never read as query syntax (quotes, NEAR, *, -, column filters)."""
    return '"' + word.replace('"', '""') + '"'


def index_bytes(conn: sqlite3.Connection) -> int:
    """Bytes of the pages that the index's tables (FTS5's shadow tables of `lexical`) take in the database;
    sqlite3.OperationalError where SQLite lacks the `dbstat` table."""
    sql = "SELECT SUM(pgsize) FROM dbstat('main') WHERE name = ?"
    tables = ("lexical_data", "lexical_idx", "lexical_content", "lexical_docsize", "lexical_config")
    return sum(conn.execute(sql, (t,)).fetchone()[0] or 0 for t in tables)


def indexed_max(conn: sqlite3.Connection) -> int:
    """The largest indexed position, or -1 when the index is empty (the caller backfills the positions after it)."""
    row = conn.execute("SELECT rowid FROM lexical ORDER BY rowid DESC LIMIT 1").fetchone()
    return row[0] if row else -1


def holds(query: str, text: str, by_family: Collection[str] = ()) -> set[str]:
    """The query's terms (`query_terms`) that `text` holds, as the index matches them (diacritics folded), read from
    the text itself: no lookup per term; but a hyphen joins, as a reader reads "Wi-Fi" and "wifi" (`_joined`; the
    index matches the hyphenated word whole or by its parts). Words match whole, unstemmed, but for the terms in
    `by_family`, which match any form of their word family (`stem`; `subjects.held_terms` says which)."""
    words = terms(text)
    folded = {_joined(w) for w in words}
    families = {stem(w) for w in words} if by_family else set()
    return {t for t in query_terms(query) if _joined(t) in folded or (t in by_family and stem(t) in families)}


def quoted(query: str) -> bool:
    """Whether a query is a passage to find word for word (`flat(query)` in `flat(text)`): three words or more, not
    a question ("4.36.0 (released 2022-08-17) ...", "from tqdm import tqdm, trange"). Fewer are keywords or a name,
    which the index and the names step serve; a question is asked, not quoted."""
    return len(query.split()) >= 3 and not query.rstrip().endswith("?")


def flat(text: str) -> str:
    """`text` with every run of whitespace made one space and case folded: a pasted passage matches its source."""
    return " ".join(text.split()).casefold()


def _joined(word: str) -> str:
    """`word` folded (`_fold`) and without hyphens: "Wi-Fi" and "wifi", "e-mail" and "email" are one word to a
    reader. A question's "Wi-Fi" had held in no "cabin wifi password" (sixteenth sealed set)."""
    return _fold(word).replace("-", "")


def _fold(word: str) -> str:
    """`word` without diacritics ("café" -> "cafe"), as FTS5's `remove_diacritics` reads it."""
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


_SUFFIXES = ("ments", "ment", "ings", "ing", "ed", "es", "s")
_SIBILANT = ("ses", "xes", "zes", "ches", "shes")  # plurals in -es: "classes", "boxes"; not "times", "uses"


@lru_cache(maxsize=1 << 14)  # every word of every statement a query compares
def stem(word: str) -> str:
    """A word's family, by English inflection and the noun-forming -ment, for comparing words, never for the index:
    lowercased, diacritics and hyphens folded (`_joined`: "Wi-Fi" is "wifi"), up to two suffixes of `_SUFFIXES`
    stripped where three letters stay (-es only after a sibilant; none after a final -ss, -us or -is: "class",
    "status", "analysis"), a final y after a consonant made the i its -ies and -ied leave ("retry", "retries" ->
    retri; "replied" -> repli), else a final e where four letters stay and a doubled final consonant ("deployments" ->
    deploy, "rotates" / "rotated" -> rotat, "planned" -> plan; "times" -> time, which is not the name "Tim"). Words
    under four letters and anything not all letters (identifiers, numbers) stay whole. Different words may still
    share a family ("news", "new")."""
    word = _joined(word.lower())
    if len(word) < 4 or not word.isalpha():
        return word
    for _ in range(2):
        if word.endswith(("ss", "us", "is")):
            break
        cut = next((s for s in _SUFFIXES if word.endswith(s) and len(word) - len(s) >= 3), None)
        if cut == "es" and not word.endswith(_SIBILANT):
            cut = "s"
        if cut is None:
            break
        word = word[: -len(cut)]
    if len(word) > 3 and word[-1] == "y" and word[-2] not in "aeiouy":
        return word[:-1] + "i"  # a final y after a consonant is the i of its -ies, -ied: "retries", "retry"
    word = word[:-1] if word.endswith("e") and len(word) > 4 else word
    return word[:-1] if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiou" else word


_VOCAB = "CREATE VIRTUAL TABLE IF NOT EXISTS temp.lexical_terms USING fts5vocab(main, lexical, row)"


def document_counts(conn: sqlite3.Connection, words: Iterable[str]) -> dict[str, int]:
    """How many indexed chunks hold each of `words` (terms as `terms` makes them; 0 for a term nowhere)."""
    conn.execute(_VOCAB)  # a per-connection view of the index's vocabulary (TEMP: the file's schema is unchanged)
    words = list(dict.fromkeys(words))
    counts = dict.fromkeys(words, 0)
    for word in words:
        row = conn.execute("SELECT doc FROM temp.lexical_terms WHERE term = ?", (word,)).fetchone()
        counts[word] = row[0] if row else 0
    return counts


def holding(conn: sqlite3.Connection, word: str, any_of: Iterable[str], limit: int) -> list[int]:
    """Positions (best BM25 first, at most `limit`) of the chunks that hold `word` and any of the terms `any_of`."""
    rest = " OR ".join(_quote(w) for w in any_of)
    if not rest or limit <= 0:
        return []
    rows = conn.execute(
        "SELECT rowid FROM lexical WHERE lexical MATCH ? ORDER BY bm25(lexical), rowid LIMIT ?",
        (f"{_quote(word)} AND ({rest})", int(limit)),
    ).fetchall()
    return [r[0] for r in rows]
