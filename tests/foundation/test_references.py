"""The bibliography: every source of the fact sheets is there, and citations resolve."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from interventional.errors import UnknownReferenceError, ValidationError
from interventional.references import Reference, bibliography, cite, to_references

SHARED = Path(__file__).resolve().parents[3] / "shared" / "domain"


def test_bibliography_is_cached_and_read_only() -> None:
    assert bibliography() is bibliography()
    with pytest.raises(TypeError):
        bibliography()["X"] = Reference("X", "x")  # type: ignore[index]


def test_every_reference_has_a_title_and_a_way_to_find_it() -> None:
    for ref in bibliography().values():
        assert ref.title
        assert ref.link or ref.note or ref.year, ref.key


@pytest.mark.skipif(
    not SHARED.exists(), reason="the domain fact sheets are not beside this checkout"
)
def test_every_source_tag_of_the_contraindication_sheet_is_in_the_bibliography() -> None:
    text = (SHARED / "contraindications.md").read_text()
    sources = text.split("## 8. Sources", 1)[1]
    tags = re.findall(r"^\| ([A-Z0-9][A-Z0-9-]+) \|", sources, flags=re.MULTILINE)
    assert len(tags) > 50
    missing = [tag for tag in tags if tag not in bibliography()]
    assert missing == []


def test_asra_2018_citation() -> None:
    asra = cite("N2018")
    assert asra.year == 2018
    assert asra.link == "https://doi.org/10.1097/AAP.0000000000000700"


def test_unknown_key_suggests() -> None:
    with pytest.raises(UnknownReferenceError) as caught:
        cite("ICRP103")
    assert "ICRP-103" in caught.value.suggestions


def test_to_references_accepts_keys_and_objects() -> None:
    refs = to_references(["N2018", cite("R2015")])
    assert [r.key for r in refs] == ["N2018", "R2015"]
    assert to_references("N2018") == (cite("N2018"),)


def test_reference_validates_its_text() -> None:
    with pytest.raises(ValidationError, match="key"):
        Reference("", "title")
    with pytest.raises(ValidationError, match="title"):
        Reference("K", "  ")


def test_reference_is_hashable_and_frozen() -> None:
    ref = cite("N2018")
    assert hash(ref) == hash(cite("N2018"))
    with pytest.raises(AttributeError):
        ref.year = 2019  # type: ignore[misc]
