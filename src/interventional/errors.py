"""The exception hierarchy of :mod:`interventional`.

Every error the library raises on purpose derives from :class:`InterventionalError`.
Failed look-ups also derive from :class:`KeyError` and bad values from :class:`ValueError`,
so callers that catch the built-in types keep working. Look-up errors carry
``.suggestions``: the closest valid names, best first.

Examples
--------
>>> from interventional.errors import UnknownDrugError, suggest
>>> error = UnknownDrugError("clopidogrell", suggest("clopidogrell", ["clopidogrel", "prasugrel"]))
>>> print(error)
unknown drug 'clopidogrell'; did you mean 'clopidogrel'?
>>> isinstance(error, KeyError)
True
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Self

__all__ = [
    "CatalogError",
    "ImplausibleValueError",
    "InterventionalError",
    "PlanError",
    "UnitError",
    "UnknownConditionError",
    "UnknownDeviceError",
    "UnknownDrugError",
    "UnknownLabError",
    "UnknownProcedureError",
    "UnknownReferenceError",
    "UnknownStructureError",
    "ValidationError",
    "suggest",
]


def suggest(name: str, candidates: Iterable[str], *, limit: int = 3) -> tuple[str, ...]:
    """Return the candidates closest to ``name``, best first (case-insensitive).

    Parameters
    ----------
    name : str
        What the user wrote.
    candidates : iterable of str
        The valid names.
    limit : int, optional
        At most this many suggestions.

    Returns
    -------
    tuple of str
        Close matches in their original spelling; empty when nothing is close.

    Examples
    --------
    >>> suggest("L6", ["L4", "L5", "S1", "T12"])
    ('L5', 'L4')
    >>> suggest("xyz", ["L4", "L5"])
    ()
    """
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(str(candidate).casefold(), str(candidate))
    folded = str(name).casefold()  # a look-up of something that is not text still suggests
    if folded in by_folded:
        return (by_folded[folded],)
    matches = difflib.get_close_matches(folded, list(by_folded), n=limit, cutoff=0.5)
    return tuple(by_folded[match] for match in matches)


def _did_you_mean(suggestions: tuple[str, ...]) -> str:
    if not suggestions:
        return ""
    quoted = ", ".join(repr(s) for s in suggestions)
    return f"; did you mean {quoted}?"


class InterventionalError(Exception):
    """Base class of every error raised by :mod:`interventional`."""


class ValidationError(InterventionalError, ValueError):
    """A value that does not fit its field.

    Parameters
    ----------
    field : str
        The name of the field or argument that was wrong.
    reason : str
        What was wrong, in plain words.
    suggestions : iterable of str, optional
        The nearest valid values, best first.

    Examples
    --------
    >>> print(ValidationError("weight", "must be positive, got -70 kilogram"))
    weight: must be positive, got -70 kilogram
    """

    def __init__(self, field: str, reason: str, suggestions: Iterable[str] = ()) -> None:
        self.field = field
        self.reason = reason
        self.suggestions: tuple[str, ...] = tuple(suggestions)
        super().__init__(f"{field}: {reason}{_did_you_mean(self.suggestions)}")


class ImplausibleValueError(ValidationError):
    """A value outside what a measurement of a person can have: a typing or unit error.

    Parameters
    ----------
    field : str
        The field that was wrong.
    value : str
        The value as given, with its unit.
    bound : str
        The plausibility bound in plain words (what it comes from).
    references : iterable of str
        The citation keys of the bound's sources.

    Examples
    --------
    >>> print(ImplausibleValueError("age", "450 year", "at most 122 years 164 days", ["CALMENT"]))
    age: 450 year is not a plausible value: at most 122 years 164 days [CALMENT]
    """

    def __init__(self, field: str, value: str, bound: str, references: Iterable[str] = ()) -> None:
        self.value = value
        self.bound = bound
        self.references: tuple[str, ...] = tuple(references)
        cited = f" [{', '.join(self.references)}]" if self.references else ""
        super().__init__(field, f"{value} is not a plausible value: {bound}{cited}")


class UnitError(ValidationError):
    """A physical value with a missing, unknown or wrong unit.

    Examples
    --------
    >>> print(UnitError("amount", "expected a mass such as '10 mg', got 10 (no unit)"))
    amount: expected a mass such as '10 mg', got 10 (no unit)
    """


class PlanError(ValidationError):
    """A procedure plan that does not fit its procedure.

    Examples
    --------
    >>> print(PlanError("side", "lumbar-medial-branch-block is lateralized; give a side"))
    side: lumbar-medial-branch-block is lateralized; give a side
    """


class _UnknownNameError(InterventionalError, KeyError):
    """A look-up of a name (or of a standard code) that does not exist."""

    what = "name"

    def __init__(
        self, name: str, suggestions: Iterable[str] = (), *, message: str | None = None
    ) -> None:
        self.name = name
        self.suggestions: tuple[str, ...] = tuple(suggestions)
        self.message = message or f"unknown {self.what} {name!r}{_did_you_mean(self.suggestions)}"
        super().__init__(self.message)

    @classmethod
    def for_code(cls, system: str, code: object, why: str = "") -> Self:
        """The error for a standard code that names nothing (``system`` as written in prose).

        Examples
        --------
        >>> print(UnknownDrugError.for_code("RxNorm", "999999999"))
        no drug has the RxNorm code '999999999'
        """
        reason = f" ({why})" if why else ""
        return cls(str(code), message=f"no {cls.what} has the {system} code {code!r}{reason}")

    def __str__(self) -> str:  # KeyError would quote the whole message
        return self.message


class UnknownStructureError(_UnknownNameError):
    """An anatomical structure id that the atlas does not hold."""

    what = "structure"


class UnknownProcedureError(_UnknownNameError):
    """A procedure id or alias that the catalogue does not hold."""

    what = "procedure"


class UnknownDrugError(_UnknownNameError):
    """A drug name that the drug vocabulary does not hold."""

    what = "drug"


class UnknownLabError(_UnknownNameError):
    """A laboratory test (a name or a LOINC code) that the library does not model."""

    what = "lab"


class UnknownConditionError(_UnknownNameError):
    """A condition (by standard code) that the rules' vocabulary does not hold."""

    what = "condition"


class UnknownDeviceError(_UnknownNameError):
    """An implanted device (by standard code) that the rules' vocabulary does not hold."""

    what = "device"


class UnknownReferenceError(_UnknownNameError):
    """A citation key that the bibliography does not hold."""

    what = "reference"


class CatalogError(InterventionalError, ValueError):
    """A data file that cannot be loaded.

    Parameters
    ----------
    file : str
        The file (or ``"<string>"`` for text given directly).
    record : str or None
        Which record: its id where it has one, else its table and position.
    field : str or None
        The field within the record.
    reason : str
        What was wrong.

    Examples
    --------
    >>> print(CatalogError("my.toml", "procedure 'x'", "bleeding_risk", "missing field"))
    my.toml: record procedure 'x': field 'bleeding_risk': missing field
    """

    def __init__(self, file: str, record: str | None, field: str | None, reason: str) -> None:
        self.file = file
        self.record = record
        self.field = field
        self.reason = reason
        where = [file]
        if record is not None:
            where.append(f"record {record}")
        if field is not None:
            where.append(f"field {field!r}")
        super().__init__(": ".join([*where, reason]))
