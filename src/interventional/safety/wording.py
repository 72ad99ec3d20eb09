"""The words of the engine's findings: templates from ``safety/data/wording.toml``.

A stage decides a finding (code, verdict, time, sources) and names the template of its
words with the fields to fill; :func:`words` returns a :class:`LazyText` that fills the
template the first time the message is read (most findings of a batch are counted, never
read). Durations and times are written by :func:`duration` and :func:`moment`.

Examples
--------
>>> from datetime import timedelta
>>> str(words("dose.combined", combined=0.95))
'Local anaesthetics together reach 95% of their maxima (treated as additive: library policy).'
>>> duration(timedelta(days=2)), duration(timedelta(hours=30))
('2 days', '1 d 6 h')
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import datetime
from importlib import resources
from types import MappingProxyType
from typing import Any

import attrs

from interventional._data import load_records
from interventional.errors import ValidationError, suggest
from interventional.safety.decisions import format_duration
from interventional.safety.model import LazyText

__all__ = ["Template", "Words", "duration", "fill", "moment", "template", "templates", "words"]


@attrs.frozen(slots=True)
class Template:
    """The words of one outcome: ``text`` with ``str.format`` fields."""

    id: str
    text: str


@functools.cache
def templates() -> Mapping[str, Template]:
    """The built-in templates by id (read once from ``wording.toml``)."""
    source = resources.files("interventional.safety") / "data" / "wording.toml"
    records = load_records(source, Template, table="template", key="id")
    return MappingProxyType({record.id: record for record in records})


def template(template_id: str) -> str:
    """The text of a template.

    Raises
    ------
    ValidationError
        When there is no such template (with the nearest ids).
    """
    found = templates().get(template_id)
    if found is None:
        raise ValidationError(
            "template", f"no template {template_id!r}", suggest(template_id, templates())
        )
    return found.text


def fill(template_id: str, **fields: Any) -> str:
    """A template filled now."""
    return template(template_id).format_map(fields)


class Words(LazyText):
    """A template and its fields, filled the first time the message is read."""

    __slots__ = ("fields", "template_id")

    def __init__(self, template_id: str, fields: dict[str, Any]) -> None:
        self.template_id = template_id
        self.fields = fields
        self._text = None

    def _words(self) -> str:
        return template(self.template_id).format_map(self.fields)


def words(template_id: str, **fields: Any) -> LazyText:
    """A template filled the first time the message is read (the id is checked now)."""
    template(template_id)
    return Words(template_id, fields)


duration = format_duration
"""A duration in words: ``2 days``, ``12 h``, ``4 d 23 h 59 min``
(:func:`interventional.safety.decisions.format_duration`)."""


def moment(value: datetime) -> str:
    """A time to the minute: ``2026-03-10 09:00``."""
    return value.isoformat(sep=" ", timespec="minutes")
