"""write_output: the output folder is replaced whole, or left exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from translator.emit import output as output_module
from translator.emit import write_output


def contents(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def leftovers(parent: Path, name: str) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


def test_creates_the_folder(tmp_path):
    out = tmp_path / "output"
    write_output({"a.sql": "SELECT 1;\n", "b.md": "é\n"}, out)
    assert contents(out) == {"a.sql": b"SELECT 1;\n", "b.md": "é\n".encode()}
    assert leftovers(tmp_path, "output") == []


def test_replaces_our_files_and_keeps_the_others(tmp_path):
    out = tmp_path / "output"
    (out / "notes").mkdir(parents=True)
    (out / "README.md").write_text("kept\n")
    (out / "notes" / "n.txt").write_text("kept too\n")
    (out / "a.sql").write_text("old\n")
    write_output({"a.sql": "new\n"}, out)
    assert contents(out) == {"README.md": b"kept\n", "a.sql": b"new\n",
                             "notes/n.txt": b"kept too\n"}
    assert leftovers(tmp_path, "output") == []


@pytest.mark.parametrize("failure", [OSError("disk full"), KeyboardInterrupt()])
def test_failure_mid_write_leaves_the_old_output(tmp_path, monkeypatch, failure):
    out = tmp_path / "output"
    out.mkdir()
    (out / "a.sql").write_text("old a\n")
    (out / "b.sql").write_text("old b\n")
    (out / "README.md").write_text("mine\n")
    before = contents(out)
    written: list[Path] = []
    real_write = output_module.write_file

    def failing_write(path: Path, text: str) -> None:
        if written:
            raise failure
        real_write(path, text)
        written.append(path)

    monkeypatch.setattr(output_module, "write_file", failing_write)
    with pytest.raises(type(failure)):
        write_output({"a.sql": "new a\n", "b.sql": "new b\n"}, out)
    assert written  # the first file was written (into the staging folder) before the failure
    assert contents(out) == before
    assert leftovers(tmp_path, "output") == []


def test_failure_at_the_swap_leaves_the_old_output(tmp_path, monkeypatch):
    out = tmp_path / "output"
    out.mkdir()
    (out / "a.sql").write_text("old\n")

    def broken_swap(new: Path, target: Path) -> None:
        raise OSError("rename failed")

    monkeypatch.setattr(output_module, "_swap_in", broken_swap)
    with pytest.raises(OSError):
        write_output({"a.sql": "new\n"}, out)
    assert contents(out) == {"a.sql": b"old\n"}
    assert leftovers(tmp_path, "output") == []


def test_fallback_swap_without_renameat2(tmp_path, monkeypatch):
    out = tmp_path / "output"
    out.mkdir()
    (out / "a.sql").write_text("old\n")
    monkeypatch.setattr(output_module, "_exchange", lambda a, b: False)
    write_output({"a.sql": "new\n"}, out)
    assert contents(out) == {"a.sql": b"new\n"}
    assert leftovers(tmp_path, "output") == []


def test_rejects_paths_as_file_names(tmp_path):
    with pytest.raises(ValueError):
        write_output({"../escape.sql": "x"}, tmp_path / "output")
    assert not (tmp_path / "escape.sql").exists()


def test_exchange_swaps_two_folders_in_one_step(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "from_a").write_text("a")
    (b / "from_b").write_text("b")
    assert output_module._exchange(a, b) is True  # Linux: renameat2(RENAME_EXCHANGE)
    assert [p.name for p in a.iterdir()] == ["from_b"]
    assert [p.name for p in b.iterdir()] == ["from_a"]
