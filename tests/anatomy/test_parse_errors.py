"""Bad level, segment, nerve and query input: the exact field, reason and suggestions."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from interventional.anatomy import default_atlas
from interventional.anatomy.levels import Segment, SpinalNerveLevel, VertebralLevel
from interventional.errors import ValidationError

CASES: list[tuple[str, Callable[[], object], str, str, tuple[str, ...]]] = [
    (
        "level past the region",
        lambda: VertebralLevel.parse("L6"),
        "level",
        "L6 does not exist; lumbar levels are L1-L5",
        ("L5",),
    ),
    (
        "not a level",
        lambda: VertebralLevel.parse("X1"),
        "level",
        "'X1' is not a vertebral level (write e.g. 'L4', 'C7', 'S1', 'Co1')",
        ("T1", "S1", "L1"),
    ),
    (
        "a level that is not text",
        lambda: VertebralLevel.parse(5),  # type: ignore[arg-type]
        "level",
        "5 is not a vertebral level (write e.g. 'L4', 'C7', 'S1', 'Co1')",
        ("T5", "S5", "L5"),
    ),
    (
        "one level for a segment",
        lambda: Segment.parse("L4"),
        "segment",
        "'L4' is not a segment (write two adjacent levels, e.g. 'L4-L5')",
        ("L4-L5", "L3-L4"),
    ),
    (
        "a segment that is not text",
        lambda: Segment.parse(5),  # type: ignore[arg-type]
        "segment",
        "5 is not a segment (write two adjacent levels, e.g. 'L4-L5')",
        (),
    ),
    (
        "nerve past the region",
        lambda: SpinalNerveLevel.parse("L6"),
        "spinal nerve",
        "L6 does not exist; lumbar spinal nerves are L1-L5",
        ("L5",),
    ),
    (
        "not a nerve",
        lambda: SpinalNerveLevel.parse("X9"),
        "spinal nerve",
        "'X9' is not a spinal nerve (e.g. 'C8', 'L4')",
        (),
    ),
    (
        "a nerve that is not text",
        lambda: SpinalNerveLevel.parse(3),  # type: ignore[arg-type]
        "spinal nerve",
        "3 is not a spinal nerve (e.g. 'C8', 'L4')",
        (),
    ),
    (
        "find by a misspelt region",
        lambda: default_atlas().find(region="lumbr"),
        "region",
        "'lumbr' is not one of 'cervical', 'thoracic', 'lumbar', 'sacral', 'coccygeal'",
        ("lumbar",),
    ),
    (
        "find by a misspelt side",
        lambda: default_atlas().find(side="lft"),
        "side",
        "'lft' is not one of 'left', 'right', 'midline', 'bilateral'",
        ("left",),
    ),
    (
        "find at a level that does not exist",
        lambda: default_atlas().find(level="L6"),
        "level",
        "L6 does not exist; lumbar levels are L1-L5",
        ("L5",),
    ),
]


@pytest.mark.parametrize(
    ("call", "field", "reason", "suggestions"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_input_names_the_field_and_the_nearest_values(
    call: Callable[[], object], field: str, reason: str, suggestions: tuple[str, ...]
) -> None:
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    assert (error.field, error.reason, tuple(error.suggestions)) == (field, reason, suggestions)


def test_find_by_a_misspelt_kind_suggests_the_kind() -> None:
    with pytest.raises(ValidationError) as caught:
        default_atlas().find(kind="facet")
    assert caught.value.field == "kind"
    assert caught.value.reason.startswith("'facet' is not one of 'vertebral-column', 'vertebra',")
    assert tuple(caught.value.suggestions) == ("facet-joint",)


def test_find_filters_combine() -> None:
    found = default_atlas().find(kind="medial-branch", region="lumbar", side="left", level="L4")
    assert found
    for structure in found:
        assert structure.kind.value == "medial-branch"
        assert structure.side.value == "left"
