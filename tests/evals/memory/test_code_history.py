"""The `code-history` family: vendored releases match SOURCES.md; streams are deterministic, seeded, and their
questions point at the right versions of real functions."""

from __future__ import annotations

import hashlib
import re
import tarfile

import pytest

from evals.data import data_dir
from evals.memory.code_history import PACKAGE_SETS, code_history_stream, load_release, package_history
from evals.memory.streams import FAMILIES, Stream
from lam_memory import LAMError

_ROW = re.compile(r"^\| (\S+/\S+) \| ([\d,]+) \| (\d+|–) \|.*`([0-9a-f]{64})` \|$")


@pytest.fixture(scope="module", params=list(PACKAGE_SETS))
def family(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def streams(family) -> dict[int, Stream]:
    return {seed: code_history_stream("8k", seed, family=family) for seed in (0, 1)}


def _sources_rows() -> dict[str, tuple[int, str, str]]:
    """SOURCES.md's code_history/ table: file -> (bytes, .py files, sha256 of the file here)."""
    text = (data_dir() / "SOURCES.md").read_text(encoding="utf-8")
    section = text.split("## code_history/", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        if m := _ROW.match(line):
            rows[m.group(1)] = (int(m.group(2).replace(",", "")), m.group(3), m.group(4))
    return rows


def test_data_matches_sources():
    rows = _sources_rows()
    root = data_dir() / "code_history"
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert on_disk == set(rows)
    for name, (size, _, sha) in rows.items():
        path = root / name
        assert path.stat().st_size == size, name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha, name
    for package, releases in (p for packages in PACKAGE_SETS.values() for p in packages.items()):
        assert len(releases) >= 3
        for v in releases:
            files = load_release(package, v)
            assert len(files) == int(rows[f"{package}/{v}.tar.gz"][1]) and all(p.endswith(".py") for p in files)
            with tarfile.open(root / package / f"{v}.tar.gz") as tar:
                assert any(n.startswith("LICENSE") for n in tar.getnames())  # each archive keeps its licence


def test_histories_hold_real_revisions():
    for package in (p for packages in PACKAGE_SETS.values() for p in packages):
        h = package_history(package)
        changed = [seq for seq in h.versions.values() if len(seq) > 1]
        assert len(changed) >= 12, package
        for seq in changed:
            assert [j for j, _ in seq] == sorted({j for j, _ in seq}) and seq[0][0] == 0
            assert len({c.text for _, c in seq}) == len(seq)  # each version differs from the one before


def test_stream_is_deterministic_and_seeded(streams, family):
    assert family in FAMILIES
    again = code_history_stream("8k", 0, family=family)
    assert again.digest() == streams[0].digest()
    a, b = streams[0], streams[1]
    assert a.digest() != b.digest()
    assert [q.query for q in a.questions] != [q.query for q in b.questions]  # another question sample
    assert [c.text for c in a.chunks[:20]] != [c.text for c in b.chunks[:20]]  # another interleaving
    for s in (a, b):
        assert s.tokens() <= 8 * 1024 and s.name == f"{family}-8k" and s.family == family
        assert [c.position for c in s.chunks] == list(range(len(s.chunks)))
        assert {q.kind for q in s.questions} == {"current", "description"}
    with pytest.raises(LAMError):
        code_history_stream(1024, 0, per_package=(0, 0))


def test_sources_have_no_version(streams, family):
    packages = PACKAGE_SETS[family]
    versions = {v for releases in packages.values() for v in releases}
    tops = tuple({f"{path.split('/')[0]}/" for p, rels in packages.items() for path in load_release(p, rels[0])})
    for c in streams[0].chunks:
        assert c.source.startswith(tops) and not any(v in c.source for v in versions), c.source
        assert c.kind == "code" and "version" not in c.meta and "package" not in c.meta


def test_questions_point_at_their_versions(streams):
    for s in streams.values():
        for q in s.questions:
            assert len(q.gold) == 1 and 0 <= q.gold[0] < len(s.chunks)
            latest = s.chunks[q.gold[0]]
            versions = [s.chunks[p] for p in [*q.stale, latest.position]]
            for c in versions:  # revisions keep source and qualified name
                assert (c.source, c.meta["symbol"]) == (q.meta["source"], q.meta["symbol"])
            assert len({c.text for c in versions}) == len(versions)
            assert q.stale == sorted(q.stale) and all(p < q.gold[0] for p in q.stale)
            assert len(q.stale) == len(q.meta["releases"]) - 1
            package, release = q.meta["package"], q.meta["releases"][-1]
            assert latest.text in load_release(package, release)[latest.source]
            name = q.meta["symbol"].rsplit(".", 1)[-1]
            if q.kind == "current":
                assert q.stale and name in q.query
            else:
                assert not re.search(rf"\b{re.escape(name)}\b", q.query)
                words = [w for w in q.query.split() if w != "it"]
                assert sum(w in latest.text for w in words) >= 0.8 * len(words)  # its docstring's words


def test_question_count_at_32k(family):
    s = code_history_stream("32k", 0, family=family)
    assert 40 <= len(s.questions) <= 22 * len(PACKAGE_SETS[family])
    assert 30 * 1024 <= s.tokens() <= 32 * 1024


def test_suite_runs_the_family():
    import dataclasses

    from evals.memory.config import DEFAULT_CONFIG
    from evals.memory.registry import make_factory
    from evals.memory.scoring import run_suite

    config = dataclasses.replace(DEFAULT_CONFIG, sizes=(4096,))
    res = run_suite(make_factory(["recency", "bm25-ident"], config), config, seed=0, families=["code-history"])
    rows = {r["method"]: r for r in res["rows"]}
    assert set(rows) == {"recency", "bm25-ident"} and all(r["family"] == "code-history" for r in rows.values())
    for r in rows.values():
        assert r["questions"] > 0 and r["latest_wins"] is not None and r["context_tokens"] <= 500
        assert set(r["by_kind"]) == {"current", "description"}
    assert rows["bm25-ident"]["recall"] > rows["recency"]["recall"]
