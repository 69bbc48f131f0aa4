"""The build cache (translator/cache.py): an unchanged rebuild is served from it and writes exactly
what the build wrote; any change of the inputs misses; a broken or deleted entry only costs time."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli.sample import copy_sample
from translator import cache
from translator.cli import main


@pytest.fixture
def cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TRANSLATOR_CACHE_DIR", str(folder))
    return folder


def _build(exports: Path, out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", "--exports", str(exports), "--out", str(out)])
    return result.exit_code, result.output


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_an_unchanged_rebuild_is_served_from_the_cache_and_writes_the_same(cached, tmp_path):
    exports = copy_sample(tmp_path / "pbix_exports")
    first, second = tmp_path / "first", tmp_path / "second"
    code, text = _build(exports, first)
    # two keys, one entry each: the build into a fresh folder, and a rebuild over its own output
    assert code == 0 and len(list(cached.glob("*.pickle"))) == 2
    one, other = sorted(cached.glob("*.pickle"))
    assert one.read_bytes() == other.read_bytes()  # one outcome, written once (a hard link)
    assert not list(cached.glob("*.tmp"))
    outcome = cache.load(cache.build_key(exports))
    assert outcome is not None and outcome.cached
    code2, text2 = _build(exports, second)  # a fresh out/ is written from the entry
    assert (code2, text2) == (code, text.replace(str(first), str(second)))
    assert _files(second) == _files(first)
    assert len(list(cached.glob("*.pickle"))) == 2


def test_a_rebuild_over_its_own_output_is_a_hit(cached, tmp_path):
    exports = copy_sample(tmp_path / "pbix_exports")
    out = tmp_path / "out"
    assert _build(exports, out)[0] == 0
    before = _files(out)
    hit = cache.load(cache.build_key(exports, None, out))  # the key the next build will look up
    assert hit is not None and hit.cached
    assert _build(exports, out)[0] == 0
    assert _files(out) == before
    assert len(list(cached.glob("*.pickle"))) == 2


def test_any_change_of_an_input_or_the_mapping_is_another_key(cached, tmp_path):
    exports = copy_sample(tmp_path / "pbix_exports")
    before = cache.build_key(exports)
    assert cache.build_key(exports) == before
    tmdl = next(exports.rglob("*.tmdl"))
    tmdl.write_bytes(tmdl.read_bytes() + b"\n")
    changed = cache.build_key(exports)
    assert changed != before
    mapping = exports / "translator.toml"
    mapping.write_text(mapping.read_text(encoding="utf-8") + "\n# note\n", encoding="utf-8")
    assert cache.build_key(exports) not in (before, changed)
    other = tmp_path / "elsewhere.toml"
    other.write_text("", encoding="utf-8")
    assert cache.build_key(exports, other) != cache.build_key(exports)


def test_a_broken_or_deleted_entry_is_a_miss_and_the_build_runs(cached, tmp_path):
    exports = copy_sample(tmp_path / "pbix_exports")
    out = tmp_path / "out"
    code, _ = _build(exports, out)
    entry = cached / f"{cache.build_key(exports)}.pickle"  # what a build into a fresh folder looks up
    entry.write_bytes(b"not a pickle")
    assert cache.load(entry.stem) is None
    assert _build(exports, tmp_path / "again")[0] == code
    assert _files(tmp_path / "again") == _files(out)
    for path in cached.iterdir():
        path.unlink()
    assert _build(exports, tmp_path / "third")[0] == code


def test_an_empty_cache_setting_turns_it_off(tmp_path, monkeypatch):
    monkeypatch.setenv("TRANSLATOR_CACHE_DIR", "")
    assert cache.folder() is None
    exports = copy_sample(tmp_path / "pbix_exports")
    assert _build(exports, tmp_path / "out")[0] == 0
    assert cache.load(cache.build_key(exports)) is None


def test_the_previous_report_named_in_the_key_is_the_one_emit_writes():
    from translator.emit import REPORT_JSON_FILE

    assert cache.PREVIOUS_REPORT == REPORT_JSON_FILE


def test_the_key_names_the_translator_and_the_versions_of_its_libraries(tmp_path, monkeypatch):
    from importlib.metadata import PackageNotFoundError, version

    def installed(library: str) -> str:
        try:
            return version(library)
        except PackageNotFoundError:
            return "-"

    exports = copy_sample(tmp_path / "pbix_exports")
    before = cache.build_key(exports)
    for library in cache._LIBRARIES:  # read from the dist-info folder's name: what pip installed
        assert cache.library_version(library) == installed(library)
    assert cache.library_version("no_such_library_here") == "-"
    with monkeypatch.context() as patched:  # a layout without one dist-info folder: importlib.metadata
        patched.setattr(cache, "_dist_infos", lambda folder, name: [])
        assert cache.library_version("lark") == installed("lark")
    real = cache.library_version
    monkeypatch.setattr(cache, "library_version", lambda name: "0.0.1" if name == "sqlglot" else real(name))
    assert cache.build_key(exports) != before
    monkeypatch.setattr(cache, "library_version", real)
    tool = tmp_path / "translator"
    tool.mkdir()
    (tool / "stage.py").write_text("A = 1\n", encoding="utf-8")
    monkeypatch.setattr(cache, "_PACKAGE", tool)
    ours = cache.build_key(exports)
    assert ours != before
    (tool / "stage.py").write_text("A = 2\n", encoding="utf-8")  # an edited checkout
    assert cache.build_key(exports) not in (before, ours)


def test_the_dax_grammar_kept_in_the_cache_folder_is_reused_and_a_broken_one_is_rebuilt(cached, tmp_path):
    from translator.dax import parser

    exports = copy_sample(tmp_path / "pbix_exports")
    seen = []
    real = parser.keep_tables_in
    try:
        parser.keep_tables_in = lambda folder: seen.append(folder) or real(folder)
        assert _build(exports, tmp_path / "out")[0] == 0
    finally:
        parser.keep_tables_in = real
    assert seen == [cached, None]  # the build's parsers keep their grammar in the cache folder
    kept = cached / "dax-comma.lark"
    text = "CALCULATE(SUM(T[a]), T[b] IN {1, 2}) / 2"
    expected = parser._Parser(False).lark.parse(text)
    try:
        parser.keep_tables_in(cached)
        assert parser._Parser(False).lark.parse(text) == expected  # analysed, then kept
        assert kept.is_file()
        loaded = parser._Parser(False)  # from the file
        assert loaded.fast is not None and loaded.fast.parse(text) == expected
        kept.write_bytes(b"not a grammar")
        rebuilt = parser._Parser(False)  # a broken file costs the analysis, nothing else
        assert rebuilt.lark.parse(text) == expected
        assert kept.read_bytes() != b"not a grammar"
        semicolons = parser._Parser(True)  # the other separator never reads the comma grammar
        assert semicolons.lark.parse("IF(1; 2,5; 3)") == parser._Parser(True).lark.parse("IF(1; 2,5; 3)")
        assert (cached / "dax-semicolon.lark").is_file()
    finally:
        parser.keep_tables_in(None)
