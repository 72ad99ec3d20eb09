"""The laboratory tests of a patient record: :class:`LabName` and its facts (:class:`Lab`).

:class:`LabName` is the closed set of tests a :class:`~interventional.safety.LabResult`
may name. What the library knows of each (its display name, the unit results are stored
in, its LOINC codes and UCUM unit with their sources) is data,
``safety/data/labs.toml``, read once on first use; :meth:`LabName.by_loinc` finds the
test a LOINC code reports, as a FHIR import needs.

Only INR and the platelet count are read by the built-in engine (:attr:`LabName.decides`).
aPTT, serum creatinine, eGFR and creatinine clearance results are accepted, validated and
carried through, and no rule reads them yet: their presence never changes an assessment
(the engine's renal checks read the patient's ``creatinine_clearance`` field).

Examples
--------
>>> from interventional.safety import LabName
>>> LabName.INR.loinc[0], LabName.PLATELETS.ucum
('6301-6', '10*3/uL')
>>> LabName.by_loinc("26515-7")
<LabName.PLATELETS: 'platelets'>
>>> LabName.APTT.decides
False
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any, NamedTuple

import attrs

from interventional._data import DataSource, load_records
from interventional._enums import ParsableEnum
from interventional.codes import Codes, CodeSystem, find_code, index_codes, to_codes
from interventional.errors import CatalogError, UnknownLabError, ValidationError
from interventional.units import ureg

__all__ = ["Lab", "LabName", "labs", "load_labs"]


class LabName(ParsableEnum):
    """The laboratory tests a patient record may carry (the facts are in ``labs.toml``).

    ``inr`` is a plain ratio (no unit); ``platelets`` a count per volume (``"150e3 / µL"``
    or ``"150e9 / L"``); ``creatinine-clearance`` a flow (``"65 mL/min"``); ``aptt`` a
    time (``"32 s"``); ``creatinine`` a mass concentration (``"1.1 mg/dL"``); ``egfr`` a
    flow per 1.73 m² of body surface, written as a flow (``"58 mL/min"``).

    The engine decides on INR and platelets only (:attr:`decides`). aPTT, creatinine, eGFR
    and creatinine clearance results are recorded, never read by a rule yet, and so never
    change an assessment.

    Examples
    --------
    >>> LabName.INR.loinc
    ('6301-6', '34714-6', '38875-1', '46418-0')
    >>> LabName.EGFR.ucum, LabName.EGFR.unit
    ('mL/min/{1.73_m2}', 'mL/min')
    """

    INR = "inr"
    PLATELETS = "platelets"
    CREATININE_CLEARANCE = "creatinine-clearance"
    APTT = "aptt"
    CREATININE = "creatinine"
    EGFR = "egfr"

    @property
    def facts(self) -> Lab:
        """The data file's record of this test."""
        return _labs().by_name[self]

    @property
    def display_name(self) -> str:
        """The test's name as written in prose."""
        return self.facts.display_name

    @property
    def loinc(self) -> tuple[str, ...]:
        """The LOINC codes that report this test, the primary first."""
        return self.facts.codes.all(CodeSystem.LOINC)

    @property
    def ucum(self) -> str:
        """The UCUM code of the unit results are usually reported in (``"10*3/uL"``)."""
        return self.facts.codes[CodeSystem.UCUM.value]

    @property
    def unit(self) -> str:
        """The unit the library stores results in (pint syntax; ``"1"`` for a ratio)."""
        return self.facts.unit

    @property
    def decides(self) -> bool:
        """Whether the built-in engine reads results of this test (INR and platelets)."""
        return self in _DECIDES

    @classmethod
    def by_loinc(cls, code: str) -> LabName:
        """Return the test that the LOINC code ``code`` reports.

        Raises
        ------
        UnknownLabError
            When no test of the library has that code (a :class:`KeyError`).

        Examples
        --------
        >>> LabName.by_loinc("6301-6")
        <LabName.INR: 'inr'>
        >>> LabName.by_loinc("2345-7")
        Traceback (most recent call last):
        ...
        interventional.errors.UnknownLabError: no lab has the LOINC code '2345-7'
        """
        table = _labs()
        name, why = find_code(table.by_code, CodeSystem.LOINC, code)
        if name is None:
            raise UnknownLabError.for_code(CodeSystem.LOINC.title, code, why)
        return cls(name)


_DECIDES = frozenset({LabName.INR, LabName.PLATELETS})


def _to_lab_name(value: Any) -> LabName:
    return LabName.parse(value, field="name")


def _check_text(instance: Lab, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(attribute.name, f"must be non-empty text, got {value!r}")


def _check_unit(instance: Lab, attribute: attrs.Attribute[str], value: str) -> None:
    _check_text(instance, attribute, value)
    try:
        ureg.Unit(value)
    except Exception:  # pint raises several kinds of error for text it cannot read
        raise ValidationError(
            attribute.name, f"{value!r} is not a unit the library reads"
        ) from None


def _check_codes(instance: Lab, attribute: attrs.Attribute[Codes], value: Codes) -> None:
    for system in (CodeSystem.LOINC, CodeSystem.UCUM):
        if system.value not in value:
            raise ValidationError(f"codes.{system.value}", f"a lab needs its {system.title} code")
    extra = [s.value for s in value.systems if s not in (CodeSystem.LOINC, CodeSystem.UCUM)]
    if extra:
        raise ValidationError("codes", f"a lab carries LOINC and UCUM codes only, got {extra}")
    if len(value.all(CodeSystem.UCUM)) != 1:
        raise ValidationError("codes.ucum", "a lab has one UCUM unit")


@attrs.frozen(slots=True)
class Lab:
    """What the library knows of one laboratory test (a ``[[lab]]`` record of ``labs.toml``).

    Parameters
    ----------
    name : LabName or str
        The test.
    display_name : str
        The name as written in prose.
    unit : str
        The unit results are stored and compared in (pint syntax; ``"1"`` for a ratio).
    codes : Codes or mapping
        ``loinc`` (the codes reporting this test, primary first) and ``ucum`` (the unit
        results are usually reported in), with their references.
    note : str, optional
        How the codes were chosen.
    """

    name: LabName = attrs.field(converter=_to_lab_name)
    display_name: str = attrs.field(validator=_check_text)
    unit: str = attrs.field(validator=_check_unit)
    codes: Codes = attrs.field(converter=to_codes, validator=_check_codes, repr=False)
    note: str | None = attrs.field(default=None, repr=False)


class _Labs(NamedTuple):
    by_name: Mapping[LabName, Lab]
    by_code: Mapping[tuple[CodeSystem, str], str]


_LABS_FILE = resources.files("interventional.safety") / "data" / "labs.toml"


def load_labs(source: DataSource) -> tuple[Lab, ...]:
    """Load a lab facts file (the schema of ``safety/data/labs.toml``).

    Raises
    ------
    CatalogError
        Naming file, record and field: a malformed code, a missing or unknown lab, or a
        LOINC code given to two labs.
    """
    from interventional.codes import DuplicateCodeError

    records = load_records(source, Lab, table="lab", key="name")
    missing = [name.value for name in LabName if name not in {r.name for r in records}]
    if missing:
        raise CatalogError(str(source), None, "lab", f"no record for {', '.join(missing)}")
    try:
        index_codes((record.name.value, record.codes) for record in records)
    except DuplicateCodeError as error:
        raise CatalogError(
            str(source), f"lab {error.record!r}", error.field, error.reason
        ) from None
    return records


@functools.cache
def _labs() -> _Labs:
    records = load_labs(_LABS_FILE)
    return _Labs(
        MappingProxyType({record.name: record for record in records}),
        MappingProxyType(index_codes((record.name.value, record.codes) for record in records)),
    )


def labs() -> Mapping[LabName, Lab]:
    """Return the facts of every test, keyed by :class:`LabName` (read once).

    Examples
    --------
    >>> labs()[LabName.CREATININE].unit
    'mg/dL'
    """
    return _labs().by_name
