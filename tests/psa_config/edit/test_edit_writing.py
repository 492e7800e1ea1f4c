"""Safe writes: validated, refused on new errors, refused if the file changed, atomic, permissions kept."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from edit_corpus import CORPUS_DIR, REFERENCE, read
from psa_config.edit import Document, FileChangedError, RefusedError, read_text, save, validate
from psa_config.errors import UnreadableInputError

MODEL = "Wan2.1_14b"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    target = tmp_path / "attention_config.yaml"
    target.write_bytes((CORPUS_DIR / "crlf.yaml").read_bytes())
    target.chmod(0o640)
    return target


def test_writes_edit_keeps_crlf_and_mode(config: Path) -> None:
    text = read_text(config)
    result = save(Document.from_text(text, str(config)).set_value(MODEL, "psa_topk", "warmup_steps", 3),
                  config, original_text=text)
    assert result.written and not result.new_errors
    data = config.read_bytes()
    assert b"      warmup_steps: 3\r\n" in data and data.count(b"\n") == data.count(b"\r\n")
    assert stat.S_IMODE(config.stat().st_mode) == 0o640
    assert sorted(p.name for p in config.parent.iterdir()) == [config.name]  # no temp file left


def test_refuses_new_errors_unless_forced(config: Path) -> None:
    text = read_text(config)
    bad = Document.from_text(text, str(config)).set_value(MODEL, "psa_topk", "block_size.n", 48)
    with pytest.raises(RefusedError) as info:
        save(bad, config, original_text=text)
    assert info.value.new_errors and all(d.is_error for d in info.value.new_errors)
    assert read_text(config) == text
    assert save(bad, config, original_text=text, force=True).written
    assert "n: 48" in read_text(config)


def test_existing_errors_do_not_block_unrelated_edits(tmp_path: Path) -> None:
    target = tmp_path / "c.yaml"
    text = read(CORPUS_DIR / "comments.yaml").replace("m: 128   # query block", "m: 100   # query block")
    target.write_text(text)
    assert validate(Document.from_text(text), text).diagnostics  # the file already has an error
    edited = Document.from_text(text, str(target)).set_value(MODEL, "psa_topk", "verbose", True)
    assert save(edited, target, original_text=text).written


def test_refuses_if_changed_on_disk(config: Path) -> None:
    text = read_text(config)
    edited = Document.from_text(text, str(config)).set_value(MODEL, "psa_topk", "verbose", True)
    config.write_bytes(config.read_bytes() + b"# someone else\r\n")
    with pytest.raises(FileChangedError, match="changed on disk"):
        save(edited, config, original_text=text)
    assert read_text(config).endswith("# someone else\r\n")


def test_symlink_target_is_replaced_and_link_kept(config: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.yaml"
    link.symlink_to(config)
    text = read_text(link)
    save(Document.from_text(text, str(link)).set_value(MODEL, "psa_topk", "verbose", True), link, original_text=text)
    assert link.is_symlink() and "verbose: true" in read_text(config).split("psa_topk")[1]


def test_unreadable_inputs(tmp_path: Path) -> None:
    with pytest.raises(UnreadableInputError, match="no such file"):
        read_text(tmp_path / "missing.yaml")
    with pytest.raises(UnreadableInputError, match="directory"):
        read_text(tmp_path)
    (tmp_path / "latin1.yaml").write_bytes(b"a: \xe9\n")
    with pytest.raises(UnreadableInputError, match="UTF-8"):
        read_text(tmp_path / "latin1.yaml")


def test_reference_file_validates_clean() -> None:
    text = read(REFERENCE)
    doc = Document.from_text(text).set_value("Wan2.1_14b", "psa_balanced", "warmup_steps", 10)
    assert validate(doc, text).new_errors == []


def test_new_errors_are_counted_not_just_named() -> None:
    text = read(CORPUS_DIR / "comments.yaml").replace("m: 128   # query block", "m: 100   # query block")
    doc = Document.from_text(text)
    renamed = doc.rename_preset(MODEL, "psa_balanced", "psa_main")
    assert validate(renamed, text).new_errors == []  # the same error under a new preset name
    twice = doc.set_value(MODEL, "psa_topk", "block_size.m", 100)
    fresh = validate(twice, text).new_errors
    assert fresh and all(d.preset == "psa_topk" for d in fresh)
