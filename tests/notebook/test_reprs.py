"""Notebook views: every catalogue entry, a plan of each, and an assessment render as HTML.

The views must be readable in Jupyter's light and dark themes, so none may fix a
background or text colour.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings

from interventional import strategies as ivst
from interventional.anatomy import default_atlas
from interventional.procedures import default_catalog
from interventional.safety import Patient, assess

# Opaque colours are fixed; translucent grey (rgba with alpha), inherit and transparent are not.
FIXED_COLOUR = re.compile(
    r"(?<![-\w])(background(-color)?|color)\s*:\s*(#[0-9a-f]{3,8}\b|rgb\(|white\b|black\b)", re.I
)


class _Balance(HTMLParser):
    VOID = frozenset({"br", "hr", "img", "meta", "input", "col", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, f"</{tag}> closes nothing"
        assert self.stack.pop() == tag, f"</{tag}> closes the wrong element"


def check_html(html: str) -> None:
    assert html.strip().startswith("<")
    parser = _Balance()
    parser.feed(html)
    parser.close()
    assert parser.stack == [], f"unclosed: {parser.stack}"
    assert not FIXED_COLOUR.search(html), "a fixed colour would be unreadable in one theme"


@pytest.mark.parametrize("procedure_id", sorted(default_catalog()))
def test_every_procedure_renders(procedure_id: str) -> None:
    procedure = default_catalog()[procedure_id]
    html = procedure._repr_html_()
    check_html(html)
    assert procedure.name.split()[0] in html


def test_the_catalogue_renders() -> None:
    check_html(default_catalog()._repr_html_())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ivst.plans())
def test_every_plan_renders(plan: object) -> None:
    check_html(plan._repr_html_())  # type: ignore[attr-defined]


def test_structures_render() -> None:
    atlas = default_atlas()
    for structure_id in (
        "facet-joint:L4-L5:left",
        "stellate-ganglion:left",
        "artery-of-adamkiewicz",
    ):
        check_html(atlas[structure_id]._repr_html_())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ivst.patients(), ivst.plans())
def test_every_assessment_renders(patient: Patient, plan: object) -> None:
    check_html(assess(patient, plan, at=ivst.NOW)._repr_html_())  # type: ignore[arg-type]
