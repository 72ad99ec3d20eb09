"""The JSON forms of results and their JSON Schemas, shared by the command line and the demo.

One unstructuring path: an object's JSON form is its data form, written by the library's
one cattrs converter (:func:`interventional._data.converter`, the same that
:func:`~interventional._data.unstructure` and the TOML files use), with times as ISO 8601
text and unknown values as ``null``. Each output carries ``schema_version`` and ``kind``;
:func:`json_schema` generates the JSON Schema (draft 2020-12) of each kind from the attrs
classes themselves, so that a field added to a class is in its schema at once.

Examples
--------
>>> from interventional._present import SCHEMA_VERSION, json_schema, procedure_data
>>> from interventional.procedures import default_catalog
>>> data = procedure_data(default_catalog()["lumbar-medial-branch-block"])
>>> data["schema_version"] == SCHEMA_VERSION, data["schema"], data["neuraxial"]
(True, 'procedure', False)
>>> json_schema("procedure")["properties"]["bleeding_risk"]
{'enum': ['low', 'intermediate', 'high']}
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

import attrs
import pint

from interventional._data import converter

__all__ = [
    "KINDS",
    "SCHEMA_VERSION",
    "assessment_data",
    "data_form",
    "json_schema",
    "procedure_data",
    "procedure_summary",
    "screen_summary",
]

SCHEMA_VERSION = 1
"""The version of the JSON forms: raised when a field changes meaning or is removed
(adding a field does not raise it)."""

KINDS = (
    "assessment",
    "procedure",
    "procedure-summary",
    "innervation",
    "structure",
    "demo",
    "screen-summary",
)
"""The kinds of JSON output (their ``schema`` field), one schema each (:func:`json_schema`)."""

_SUMMARY = ("id", "name", "bleeding_risk", "modalities", "regions")


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):  # the converter writes durations as text already
        return converter().unstructure(value)
    return value


def data_form(obj: object) -> Any:
    """The JSON-ready data form of a library object (the converter's, times as ISO text)."""
    return _json_ready(converter().unstructure(obj))


def _header(kind: str) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "schema": kind}


def screen_summary(counts: dict[str, Any]) -> dict[str, Any]:
    """The JSON form of ``screen --json``: a cohort screening's counts (kind ``screen-summary``).

    ``counts`` is :meth:`interventional.cohort.Summary.as_dict` with the output file and the
    run's seconds.
    """
    return {**_header("screen-summary"), **counts}


def assessment_data(assessment: Any) -> dict[str, Any]:
    """The JSON form of an :class:`~interventional.safety.Assessment` (kind ``assessment``)."""
    return {
        **_header("assessment"),
        **data_form(assessment),
        "verdict": converter().unstructure(assessment.verdict),
    }


def procedure_data(procedure: Any) -> dict[str, Any]:
    """The JSON form of a :class:`~interventional.procedures.Procedure` (kind ``procedure``)."""
    return {**_header("procedure"), **data_form(procedure)}


def procedure_summary(procedure: Any) -> dict[str, Any]:
    """The JSON form of a procedure's summary row (kind ``procedure-summary``)."""
    data = data_form(procedure)
    return {**_header("procedure-summary"), **{key: data[key] for key in _SUMMARY}}


# --- schemas --------------------------------------------------------------------------


def _is_parsed_text(tp: object) -> bool:
    """A type written as text in the data form (a level, a segment, a quantity range)."""
    return isinstance(tp, type) and hasattr(tp, "parse") and not issubclass(tp, enum.Enum)


class _Schemas:
    """Builds schemas of types, with each attrs class once in ``$defs``."""

    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def of(self, tp: Any) -> dict[str, Any]:
        from interventional.references import Reference
        from interventional.safety.model import LazyText

        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if tp is Any:
            return {}
        if tp is type(None):
            return {"type": "null"}
        if origin in (typing.Union, types.UnionType):
            members = [
                a for a in args if not (isinstance(a, type) and a.__name__ == "_FindingRows")
            ]
            schemas = [self.of(a) for a in members]
            unique = [s for i, s in enumerate(schemas) if s not in schemas[:i]]
            return unique[0] if len(unique) == 1 else {"anyOf": unique}
        if origin in (tuple, list, frozenset, set):
            return {"type": "array", "items": self.of(args[0] if args else Any)}
        if origin in (dict, Mapping) or (isinstance(origin, type) and issubclass(origin, Mapping)):
            return {"type": "object", "additionalProperties": self.of(args[1] if args else Any)}
        if tp is bool:
            return {"type": "boolean"}
        if tp is int:
            return {"type": "integer"}
        if tp is float:
            return {"type": "number"}
        if tp is str or tp is LazyText:
            return {"type": "string"}
        if tp is datetime:
            return {"type": "string", "format": "date-time"}
        if tp is date:
            return {"type": "string", "format": "date"}
        if tp is timedelta:
            return {"type": "string", "pattern": r"^[0-9.e+-]+ h$", "description": "hours"}
        if isinstance(tp, type) and issubclass(tp, pint.Quantity):
            return {"type": "string", "description": "a quantity: magnitude and unit ('10 mg')"}
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return {"enum": [member.value for member in tp]}
        if tp is Reference:  # a key of the bibliography, or the reference written out
            return {"anyOf": [{"type": "string"}, self.of_class(Reference)]}
        if _is_parsed_text(tp):
            return {"type": "string", "description": f"a {tp.__name__} as text"}
        if isinstance(tp, type) and attrs.has(tp):
            return self.of_class(tp)
        raise TypeError(f"no JSON Schema for the type {tp!r}; teach interventional._present")

    def of_class(self, cl: type) -> dict[str, Any]:
        name = cl.__name__
        if hasattr(cl, "_to_data") and not hasattr(cl, "_renamed") and name not in self.defs:
            self.defs[name] = self.of_own_form(cl)  # a class that writes its own data form
        if name not in self.defs:
            self.defs[name] = {}  # a class that contains itself refers to itself
            attrs.resolve_types(cl)
            renamed = getattr(cl, "_renamed", None)
            properties: dict[str, Any] = {}
            for field in attrs.fields(cl):
                if not field.init:
                    continue
                tp = field.type
                if renamed is not None and field.name == renamed[0]:
                    tp = renamed[1]
                key = field.alias if field.name.startswith("_") else field.name
                properties[key] = self.of(tp)
            self.defs[name] = {
                "type": "object",
                "description": (cl.__doc__ or name).strip().splitlines()[0],
                "properties": properties,
                "required": sorted(properties),
                "additionalProperties": False,
            }
        return {"$ref": f"#/$defs/{name}"}

    def of_own_form(self, cl: type) -> dict[str, Any]:
        """The schema of a class whose ``_to_data`` writes its own form."""
        from interventional.codes import Codes
        from interventional.references import Reference

        if cl is Codes:  # system key to its primary code, or its codes (primary first)
            code = {"type": "string"}
            return {
                "type": "object",
                "description": (Codes.__doc__ or "").strip().splitlines()[0],
                "properties": {
                    "references": {"type": "array", "items": self.of(Reference)},
                    "note": {"type": "string"},
                },
                "additionalProperties": {"anyOf": [code, {"type": "array", "items": code}]},
            }
        raise TypeError(
            f"no JSON Schema for the data form of {cl!r}; teach interventional._present"
        )


def _document(kind: str, title: str, body: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    properties = {
        "schema_version": {"const": SCHEMA_VERSION},
        "schema": {"const": kind},
        **body["properties"],
    }
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://interventional.readthedocs.io/schema/v{SCHEMA_VERSION}/{kind}.json",
        "title": title,
        "type": "object",
        "properties": properties,
        "required": sorted({"schema_version", "schema", *body.get("required", [])}),
        "additionalProperties": body.get("additionalProperties", False),
    }
    if defs:
        schema["$defs"] = dict(sorted(defs.items()))
    return schema


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one kind of JSON output.

    Parameters
    ----------
    kind : str
        One of :data:`KINDS`: ``"assessment"`` (``assess --json``), ``"procedure"``
        (``show --json``), ``"procedure-summary"`` (each row of ``procedures --json``),
        ``"innervation"``, ``"structure"``, ``"demo"``, ``"screen-summary"``
        (``screen --json``).

    Returns
    -------
    dict
        The schema, generated from the attrs classes of the library.

    Raises
    ------
    KeyError
        For an unknown kind.
    """
    from interventional.procedures import Procedure
    from interventional.safety import Assessment

    schemas = _Schemas()
    if kind in ("assessment", "demo"):
        schemas.of_class(Assessment)
        body = dict(schemas.defs.pop("Assessment"))
        body["properties"] = {
            **body["properties"],
            "verdict": schemas.of(Assessment.__attrs_attrs__.verdict.type),
            "fhir": {"type": "object", "description": "what a FHIR bundle left unmapped"},
        }
        body["required"] = sorted({*body["required"], "verdict"})
        if kind == "assessment":
            return _document(kind, "interventional assessment", body, schemas.defs)
        assessment = _document("assessment", "interventional assessment", body, {})
        assessment.pop("$schema")
        assessment.pop("$id")
        schemas.defs["Assessment"] = assessment
        text_list = {"type": "array", "items": {"type": "string"}}
        demo = {
            "properties": {
                "procedure": {"type": "string"},
                "levels": text_list,
                "side": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                "modality": {"type": "string"},
                "targets": text_list,
                "nerves": {
                    "type": "object",
                    "additionalProperties": {"type": "object", "additionalProperties": text_list},
                },
                "fixed_time": {"type": "string"},
                "assessment": {"$ref": "#/$defs/Assessment"},
            },
            "required": ["procedure", "targets", "nerves", "assessment", "fixed_time"],
        }
        return _document(kind, "interventional demo", demo, schemas.defs)
    if kind in ("procedure", "procedure-summary"):
        schemas.of_class(Procedure)
        body = dict(schemas.defs.pop("Procedure"))
        if kind == "procedure-summary":
            body["properties"] = {key: body["properties"][key] for key in _SUMMARY}
            body["required"] = list(_SUMMARY)
            return _document(kind, "interventional procedure summary", body, {})
        return _document(kind, "interventional procedure", body, schemas.defs)
    text = {"type": "string"}
    text_list = {"type": "array", "items": text}
    nullable = {"anyOf": [text, {"type": "null"}]}
    if kind == "innervation":
        body = {
            "properties": {"structure": text, "innervated_by": text_list},
            "required": ["structure", "innervated_by"],
        }
        return _document(kind, "interventional innervation", body, {})
    if kind == "structure":
        by_relation = {"type": "object", "additionalProperties": text_list}
        properties = {
            "id": text,
            "kind": text,
            "name": text,
            "level": nullable,
            "side": nullable,
            "relations": by_relation,
            "related_from": by_relation,
            "references": text_list,
        }
        body = {"properties": properties, "required": sorted(properties)}
        return _document(kind, "interventional structure", body, {})
    if kind == "screen-summary":
        from interventional.safety import Verdict

        count = {"type": "integer", "minimum": 0}
        names = [verdict.name for verdict in Verdict]
        properties = {
            "rows": count,
            "verdicts": {
                "type": "object",
                "properties": dict.fromkeys(names, count),
                "required": names,
                "additionalProperties": False,
            },
            "deferring_drugs": {"type": "object", "additionalProperties": count},
            "unmapped": count,
            "unmapped_blocking": count,
            "out": text,
            "seconds": {"type": "number", "minimum": 0},
        }
        body = {"properties": properties, "required": sorted(properties)}
        return _document(kind, "interventional cohort screening summary", body, {})
    raise KeyError(f"no JSON output of kind {kind!r}; the kinds are {', '.join(KINDS)}")
