"""``cite`` reads only the records it is asked for, and gives what the bibliography gives."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from interventional import references
from interventional.errors import CatalogError, UnknownReferenceError
from interventional.references import bibliography, cite


def _clear() -> None:
    for cached in (references.bibliography, references._records_text, references._parse_record):
        cached.cache_clear()


@pytest.fixture
def bibliography_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A bibliography file of the test's own, in place of the library's."""
    path = tmp_path / "bibliography.toml"
    monkeypatch.setattr(references, "_source", lambda: path)
    _clear()
    yield path
    monkeypatch.undo()
    _clear()


def test_every_record_is_found_without_parsing_the_file() -> None:
    _, records = references._records_text()
    assert set(records) == set(bibliography())


def test_each_citation_is_the_bibliography_entry() -> None:
    for key, reference in bibliography().items():
        assert cite(key) == reference
        assert references._parse_record(key) == reference


def test_citing_does_not_read_the_whole_bibliography(bibliography_file: Path) -> None:
    bibliography_file.write_text(
        '[[reference]]\nkey = "A"\ntitle = "First"\n\n[[reference]]\nkey = "B"\ntitle = "Second"\n',
        encoding="utf-8",
    )
    assert cite("B").title == "Second"
    assert references.bibliography.cache_info().currsize == 0
    assert cite("B") is cite("B")


def test_records_not_written_as_usual_are_read_from_the_bibliography(
    bibliography_file: Path,
) -> None:
    bibliography_file.write_text(
        '[[reference]]\ntitle = "Key last"\nkey = "A"\n\n'
        '[[reference]]  # a comment\nkey = "B"\ntitle = "Header with a comment"\n\n'
        '[[reference]]\nkey = "C\\u0041"\ntitle = "Escaped key"\n',
        encoding="utf-8",
    )
    assert cite("A").title == "Key last"
    assert cite("CA").title == "Escaped key"
    assert references.bibliography.cache_info().currsize == 1
    assert cite("B").title == "Header with a comment"


def test_a_key_written_twice_is_an_error_as_before(bibliography_file: Path) -> None:
    bibliography_file.write_text(
        '[[reference]]\nkey = "A"\ntitle = "One"\n\n[[reference]]\nkey = "A"\ntitle = "Two"\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match="duplicate key 'A'"):
        cite("A")


def test_a_bad_record_is_reported_by_the_bibliography(bibliography_file: Path) -> None:
    bibliography_file.write_text(
        '[[reference]]\nkey = "A"\ntitle = "One"\nyear = "soon"\n', encoding="utf-8"
    )
    with pytest.raises(CatalogError, match="year") as caught:
        cite("A")
    assert caught.value.record == "reference 'A'"


def test_unknown_keys_still_suggest(bibliography_file: Path) -> None:
    bibliography_file.write_text('[[reference]]\nkey = "ABC"\ntitle = "One"\n', encoding="utf-8")
    with pytest.raises(UnknownReferenceError) as caught:
        cite("ABD")
    assert "ABC" in caught.value.suggestions
