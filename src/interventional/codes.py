r"""Terminology codes: the closed set of code systems and the code table a record carries.

The library speaks its own ids (``"apixaban"``, ``LabName.INR``, ``"thrombocytopenia"``);
the world outside speaks RxNorm, ATC, LOINC, SNOMED CT, ICD-10-CM and UCUM, and anatomy tools
speak UBERON and FMA. This module is
the one place that names those systems (:class:`CodeSystem`, with the system URI a FHIR
``Coding.system`` carries), checks the form of their codes (check digits included), and
holds a record's codes (:class:`Codes`, a read-only mapping of system key to primary code).
The codes themselves are facts and live in the data files beside the records they name.

================  ==============  ===============================================  ==========================
key               name            FHIR system URI                                  form checked
================  ==============  ===============================================  ==========================
``rxnorm``        RxNorm          ``http://www.nlm.nih.gov/research/umls/rxnorm``  RxCUI: digits
``atc``           WHO ATC         ``http://www.whocc.no/atc``                      level 5: ``B01AF02``
``loinc``         LOINC           ``http://loinc.org``                             ``6301-6``, mod-10 check
``snomed``        SNOMED CT       ``http://snomed.info/sct``                       concept id, Verhoeff check
``icd-10-cm``     ICD-10-CM       ``http://hl7.org/fhir/sid/icd-10-cm``            ``E11.9``, ``E11``
``ucum``          UCUM            ``http://unitsofmeasure.org``                    printable ASCII, no space
``uberon``        UBERON          ``http://purl.obolibrary.org/obo/uberon.owl``    ``UBERON:0004620``
``fma``           FMA             ``http://purl.obolibrary.org/obo/fma.owl``       ``FMA:13075``
================  ==============  ===============================================  ==========================

FHIR registers no system URI for UBERON or the Foundational Model of Anatomy; their URIs here
are the ontologies' OBO Foundry IRIs. Their codes are written as CURIEs (``UBERON:0004620``,
``FMA:13075``); the underscore form of an OBO IRI's last part (``UBERON_0004620``) is read too.

Examples
--------
>>> from interventional.codes import CodeSystem, Codes
>>> CodeSystem.parse("http://loinc.org")
<CodeSystem.LOINC: 'loinc'>
>>> CodeSystem.SNOMED.uri
'http://snomed.info/sct'
>>> CodeSystem.LOINC.check("6301-6")
'6301-6'
>>> CodeSystem.LOINC.check("6301-5")
Traceback (most recent call last):
...
interventional.errors.ValidationError: loinc: '6301-5' fails the LOINC check digit (expected 6301-6)
>>> codes = Codes({"rxnorm": "1364430", "atc": ["B01AF02"]}, references=["NLM-RXNORM"])
>>> dict(codes)
{'rxnorm': '1364430', 'atc': 'B01AF02'}
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple, Self

import attrs

from interventional._enums import ParsableEnum
from interventional.errors import ValidationError
from interventional.references import Reference, to_references

__all__ = [
    "CodeSystem",
    "Codes",
    "Coverage",
    "coverage",
    "loinc_check_digit",
    "verhoeff_check_digit",
]


def loinc_check_digit(base: str) -> int:
    """Return the LOINC check digit of ``base``, the digits before the hyphen (mod 10).

    LOINC computes its check digit with the mod-10 (Luhn) algorithm: counting from the
    right, every other digit starting with the rightmost is doubled, the digits of the
    results and of the remaining digits are summed, and the check digit is what brings the
    sum to the next multiple of ten.

    Parameters
    ----------
    base : str
        One to seven decimal digits (``"6301"`` for ``6301-6``).

    Returns
    -------
    int
        The check digit.

    References
    ----------
    LOINC: the LOINC Users' Guide, "Calculating Mod 10 check digits".

    Examples
    --------
    >>> loinc_check_digit("6301"), loinc_check_digit("777"), loinc_check_digit("26515")
    (6, 3, 7)
    """
    if not base.isdigit() or not base.isascii():
        raise ValidationError("loinc", f"a LOINC code's base is decimal digits, got {base!r}")
    total = 0
    for position, char in enumerate(reversed(base)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return (10 - total % 10) % 10


# The dihedral group D5 multiplication table, the permutation table and the inverse table of
# Verhoeff's scheme, as SNOMED CT's technical guide gives them.
_VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_VERHOEFF_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)
_VERHOEFF_INVERSE = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)


def verhoeff_check_digit(base: str) -> int:
    """Return the Verhoeff check digit of ``base`` (the digits of an SCTID before its last).

    SNOMED CT identifiers end in a Verhoeff check digit, which catches every single-digit
    error and every transposition of adjacent digits.

    Parameters
    ----------
    base : str
        Decimal digits.

    Returns
    -------
    int
        The check digit.

    References
    ----------
    SNOMED-CT: SNOMED CT Technical Implementation Guide, "Check-digit" (Verhoeff).

    Examples
    --------
    >>> verhoeff_check_digit("1410600")  # 14106009 Cardiac pacemaker, device
    9
    >>> verhoeff_check_digit("236")  # Verhoeff's own worked example: 2363
    3
    """
    if not base.isdigit() or not base.isascii():
        raise ValidationError("snomed", f"an SCTID is decimal digits, got {base!r}")
    check = 0
    for position, char in enumerate(reversed(base)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[(position + 1) % 8][int(char)]]
    return _VERHOEFF_INVERSE[check]


def _verhoeff_valid(number: str) -> bool:
    check = 0
    for position, char in enumerate(reversed(number)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[position % 8][int(char)]]
    return check == 0


_RXCUI = re.compile(r"[1-9][0-9]{0,9}")
_ATC = re.compile(r"[A-Z][0-9]{2}[A-Z]{2}[0-9]{2}")
_LOINC = re.compile(r"([0-9]{1,7})-([0-9])")
_SCTID = re.compile(r"[1-9][0-9]{5,17}")
_ICD10CM = re.compile(r"([A-Z][0-9][0-9A-Z])(?:\.?([0-9A-Z]{1,4}))?")
_UCUM = re.compile(r"[!-~]+")
_UBERON = re.compile(r"UBERON[:_]([0-9]{7})", re.IGNORECASE)
_FMA = re.compile(r"FMA[:_]([1-9][0-9]{0,6})", re.IGNORECASE)


class CodeSystem(ParsableEnum):
    """A terminology the library's data carries codes of (a closed set).

    :meth:`parse` reads a member from its key (``"rxnorm"``), its name, or the system URI
    that FHIR writes in ``Coding.system``; :attr:`uri` gives that URI back.
    :meth:`check` validates a code's form (and check digit, for LOINC and SNOMED CT) and
    returns it in normal form.

    Examples
    --------
    >>> CodeSystem.parse("http://www.nlm.nih.gov/research/umls/rxnorm") is CodeSystem.RXNORM
    True
    >>> CodeSystem.ICD10CM.check("e119")
    'E11.9'
    >>> CodeSystem.ATC.check("B01AF2")
    Traceback (most recent call last):
    ...
    interventional.errors.ValidationError: atc: 'B01AF2' is not a level-5 ATC code (a letter, two digits, two letters, two digits: 'B01AF02')
    """

    RXNORM = "rxnorm"
    ATC = "atc"
    LOINC = "loinc"
    SNOMED = "snomed"
    ICD10CM = "icd-10-cm"
    UCUM = "ucum"
    UBERON = "uberon"
    FMA = "fma"

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        aliases = {uri: member.value for member, uri in _URIS.items()}
        aliases.update({"snomed-ct": "snomed", "sct": "snomed", "icd10cm": "icd-10-cm"})
        return aliases

    @property
    def uri(self) -> str:
        """The system URI of the terminology, as FHIR ``Coding.system`` writes it."""
        return _URIS[self]

    @property
    def title(self) -> str:
        """The terminology's name as written in prose (``"SNOMED CT"``)."""
        return _TITLES[self]

    @property
    def hierarchical_codes(self) -> bool:
        """Whether a code's ancestors are its prefixes (ICD-10-CM: ``E11.65`` is under ``E11``)."""
        return self is CodeSystem.ICD10CM

    def check(self, code: object) -> str:
        """Return ``code`` in normal form, or raise if it is not a code of this system.

        Parameters
        ----------
        code : str
            The code as written (surrounding spaces are ignored; ICD-10-CM codes may be
            written with or without the dot and in either case).

        Returns
        -------
        str
            The code in normal form (ICD-10-CM with its dot: ``"E11.9"``).

        Raises
        ------
        ValidationError
            Naming the system as the field, with what the code should look like.
        """
        field = self.value
        if not isinstance(code, str) or not code.strip():
            raise ValidationError(field, f"a code is non-empty text, got {code!r}")
        text = code.strip()
        if self is CodeSystem.RXNORM:
            if not _RXCUI.fullmatch(text):
                raise ValidationError(field, f"{code!r} is not an RxCUI (digits, no leading zero)")
        elif self is CodeSystem.ATC:
            if not _ATC.fullmatch(text):
                raise ValidationError(
                    field,
                    f"{code!r} is not a level-5 ATC code (a letter, two digits, two letters, "
                    "two digits: 'B01AF02')",
                )
        elif self is CodeSystem.LOINC:
            match = _LOINC.fullmatch(text)
            if match is None:
                raise ValidationError(field, f"{code!r} is not a LOINC code (digits, '-', a digit)")
            expected = loinc_check_digit(match.group(1))
            if int(match.group(2)) != expected:
                raise ValidationError(
                    field,
                    f"{code!r} fails the LOINC check digit (expected {match.group(1)}-{expected})",
                )
        elif self is CodeSystem.SNOMED:
            if not _SCTID.fullmatch(text):
                raise ValidationError(
                    field, f"{code!r} is not an SCTID (6 to 18 digits, no leading zero)"
                )
            if not _verhoeff_valid(text):
                raise ValidationError(field, f"{code!r} fails the SCTID's Verhoeff check digit")
            if text[-3:-1] not in ("00", "10"):
                raise ValidationError(
                    field,
                    f"{code!r} is not a concept id (its partition {text[-3:-1]!r} is not "
                    "'00' or '10')",
                )
        elif self is CodeSystem.ICD10CM:
            match = _ICD10CM.fullmatch(text.upper())
            if match is None:
                raise ValidationError(
                    field,
                    f"{code!r} is not an ICD-10-CM code (a letter, two characters, then "
                    "optionally '.' and up to four: 'E11.9')",
                )
            category, rest = match.groups()
            return f"{category}.{rest}" if rest else category
        elif self in _CURIES:
            pattern, prefix, form = _CURIES[self]
            match = pattern.fullmatch(text)
            if match is None:
                raise ValidationError(field, f"{code!r} is not {form}")
            return f"{prefix}:{match.group(1)}"
        elif not _UCUM.fullmatch(text):
            raise ValidationError(field, f"{code!r} is not a UCUM code (printable ASCII, no space)")
        return text

    def ancestors(self, code: str) -> tuple[str, ...]:
        """``code`` (in normal form) and, for ICD-10-CM, its parents, most specific first.

        Examples
        --------
        >>> CodeSystem.ICD10CM.ancestors("E11.65")
        ('E11.65', 'E11.6', 'E11')
        >>> CodeSystem.SNOMED.ancestors("73211009")
        ('73211009',)
        """
        if not self.hierarchical_codes:
            return (code,)
        category, _, rest = code.partition(".")
        return tuple(f"{category}.{rest[:n]}" if n else category for n in range(len(rest), -1, -1))


_URIS = {
    CodeSystem.RXNORM: "http://www.nlm.nih.gov/research/umls/rxnorm",
    CodeSystem.ATC: "http://www.whocc.no/atc",
    CodeSystem.LOINC: "http://loinc.org",
    CodeSystem.SNOMED: "http://snomed.info/sct",
    CodeSystem.ICD10CM: "http://hl7.org/fhir/sid/icd-10-cm",
    CodeSystem.UCUM: "http://unitsofmeasure.org",
    CodeSystem.UBERON: "http://purl.obolibrary.org/obo/uberon.owl",
    CodeSystem.FMA: "http://purl.obolibrary.org/obo/fma.owl",
}
# The ontologies whose ids are CURIEs: the pattern, the prefix of the normal form, the form.
_CURIES = {
    CodeSystem.UBERON: (
        _UBERON,
        "UBERON",
        "an UBERON id ('UBERON:' and seven digits: 'UBERON:0004620')",
    ),
    CodeSystem.FMA: (_FMA, "FMA", "an FMA id ('FMA:' and digits, no leading zero: 'FMA:13075')"),
}
_TITLES = {
    CodeSystem.RXNORM: "RxNorm",
    CodeSystem.ATC: "WHO ATC",
    CodeSystem.LOINC: "LOINC",
    CodeSystem.SNOMED: "SNOMED CT",
    CodeSystem.ICD10CM: "ICD-10-CM",
    CodeSystem.UCUM: "UCUM",
    CodeSystem.UBERON: "UBERON",
    CodeSystem.FMA: "FMA",
}
_NOT_CODES = ("references", "note")


def _code_list(system: CodeSystem, value: object) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list | tuple) or not values:
        raise ValidationError(
            f"codes.{system.value}", f"expected a code or a non-empty list of codes, got {value!r}"
        )
    out: list[str] = []
    for item in values:
        try:
            code = system.check(item)
        except ValidationError as error:
            raise ValidationError(f"codes.{system.value}", error.reason) from None
        if code in out:
            raise ValidationError(f"codes.{system.value}", f"{code!r} is listed twice")
        out.append(code)
    return tuple(out)


@attrs.frozen(slots=True, init=False, eq=False, repr=False)
class Codes(Mapping[str, str]):
    """The standard codes of one record: a read-only mapping of system key to primary code.

    A record may carry several codes of one system (aspirin's ATC codes as an antithrombotic
    and as an analgesic; the ICD-10-CM codes of a condition): the first listed is the
    primary one, which the mapping gives (``codes["atc"]``); :meth:`all` gives every one,
    and look-ups by code accept them all.

    Parameters
    ----------
    codes : mapping
        System (a key such as ``"rxnorm"``, a :class:`CodeSystem` or its URI) to a code or
        a list of codes, primary first. Every code is checked (:meth:`CodeSystem.check`).
    references : list of Reference or str
        The sources of the codes (citation keys are converted); required when there are
        codes.
    note : str, optional
        Why a code is missing or how one was chosen.

    Examples
    --------
    >>> codes = Codes({"atc": ["B01AC06", "N02BA01"], "rxnorm": "1191"},
    ...               references=["NLM-RXNORM", "WHOCC-ATC"])
    >>> codes["atc"], codes.all("atc"), "loinc" in codes
    ('B01AC06', ('B01AC06', 'N02BA01'), False)
    >>> codes
    Codes({'rxnorm': '1191', 'atc': ['B01AC06', 'N02BA01']})
    >>> Codes({"rxnorm": "1191"})
    Traceback (most recent call last):
    ...
    interventional.errors.ValidationError: codes.references: codes must cite their source
    """

    _codes: tuple[tuple[CodeSystem, tuple[str, ...]], ...]
    references: tuple[Reference, ...]
    note: str | None

    def __init__(
        self,
        codes: Mapping[Any, object] | None = None,
        *,
        references: Iterable[Reference | str] = (),
        note: str | None = None,
    ) -> None:
        by_system: dict[CodeSystem, tuple[str, ...]] = {}
        for key, value in (codes or {}).items():
            system = CodeSystem.parse(key, field="codes")
            if system in by_system:
                raise ValidationError("codes", f"{system.value!r} is given twice")
            by_system[system] = _code_list(system, value)
        ordered = tuple((system, by_system[system]) for system in CodeSystem if system in by_system)
        refs = to_references(references)
        if ordered and not refs:
            raise ValidationError("codes.references", "codes must cite their source")
        if note is not None and (not isinstance(note, str) or not note.strip()):
            raise ValidationError("codes.note", f"must be non-empty text, got {note!r}")
        self.__attrs_init__(ordered, refs, note)

    @classmethod
    def _from_data(cls, value: object) -> Self:
        """Read a ``[record.codes]`` table: system keys, ``references`` and ``note``."""
        if isinstance(value, Codes):
            return value  # type: ignore[return-value]
        if not isinstance(value, Mapping):
            raise ValidationError("codes", f"expected a table of codes, got {value!r}")
        codes = {k: v for k, v in value.items() if k not in _NOT_CODES}
        references = value.get("references", ())
        if isinstance(references, str):
            references = [references]
        note = value.get("note")
        return cls(codes, references=references, note=note)

    def _to_data(self) -> dict[str, object]:
        data: dict[str, object] = {
            system.value: codes[0] if len(codes) == 1 else list(codes)
            for system, codes in self._codes
        }
        if self.references:
            from interventional._data import unstructure

            data["references"] = [unstructure(ref) for ref in self.references]
        if self.note is not None:
            data["note"] = self.note
        return data

    @property
    def systems(self) -> tuple[CodeSystem, ...]:
        """The systems this record has codes of, in :class:`CodeSystem` order."""
        return tuple(system for system, _ in self._codes)

    def all(self, system: CodeSystem | str) -> tuple[str, ...]:
        """Every code of ``system``, primary first (``()`` when there is none)."""
        wanted = CodeSystem.parse(system, field="system")
        for known, codes in self._codes:
            if known is wanted:
                return codes
        return ()

    def codings(self) -> Iterator[tuple[CodeSystem, str]]:
        """Every (system, code) pair, primary codes first within each system."""
        for system, codes in self._codes:
            for code in codes:
                yield system, code

    def __getitem__(self, key: object) -> str:
        try:
            system = CodeSystem.parse(key, field="system")  # type: ignore[arg-type]
        except ValidationError:
            raise KeyError(key) from None
        codes = self.all(system)
        if not codes:
            raise KeyError(key)
        return codes[0]

    def __iter__(self) -> Iterator[str]:
        return (system.value for system, _ in self._codes)

    def __len__(self) -> int:
        return len(self._codes)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Codes):
            return self._codes == other._codes and self.references == other.references
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._codes)

    def __repr__(self) -> str:
        shown = {
            system.value: codes[0] if len(codes) == 1 else list(codes)
            for system, codes in self._codes
        }
        return f"Codes({shown!r})"


NO_CODES = Codes()
"""The empty code table (a record that no standard concept matches)."""


def to_codes(value: object) -> Codes:
    """Convert a mapping (or ``None``) to :class:`Codes`, for attrs converters."""
    if value is None:
        return NO_CODES
    return Codes._from_data(value)


class DuplicateCodeError(ValidationError):
    """Two records claim the same code (raised by :func:`index_codes`)."""

    def __init__(self, field: str, reason: str, record: str) -> None:
        self.record = record
        super().__init__(field, reason)


def index_codes(records: Iterable[tuple[str, Codes]]) -> Mapping[tuple[CodeSystem, str], str]:
    """Map every (system, code) of the named records to the record's name.

    Raises
    ------
    DuplicateCodeError
        When a code names two records (naming the second record and the field).
    """
    index: dict[tuple[CodeSystem, str], str] = {}
    for name, codes in records:
        for system, code in codes.codings():
            owner = index.setdefault((system, code), name)
            if owner != name:
                raise DuplicateCodeError(
                    f"codes.{system.value}",
                    f"{system.title} code {code!r} already names {owner!r}",
                    name,
                )
    return index


def find_code(
    index: Mapping[tuple[CodeSystem, str], str], system: CodeSystem | str, code: object
) -> tuple[str | None, str]:
    """Look a code up in an index made by :func:`index_codes`.

    Returns the record's name (or ``None``) and a reason when nothing is found: the code is
    malformed, or it is known in another system. ICD-10-CM codes also match a listed parent
    (``E11.65`` finds the record that lists ``E11``).
    """
    wanted = CodeSystem.parse(system, field="system")
    try:
        normal: str | None = wanted.check(code)
    except ValidationError as error:
        normal, why = None, error.reason
    if normal is not None:
        for candidate in wanted.ancestors(normal):
            found = index.get((wanted, candidate))
            if found is not None:
                return found, ""
        why = ""
    elsewhere = []
    for other in CodeSystem:
        if other is wanted:
            continue
        try:
            known = other.check(code)
        except ValidationError:
            continue
        name = index.get((other, known))
        if name is not None:
            elsewhere.append(f"it is the {other.title} code of {name!r}")
    return None, "; ".join([why, *elsewhere] if why else elsewhere)


class Coverage(NamedTuple):
    """How many records of one kind carry codes of one system (see :func:`coverage`)."""

    kind: str
    system: CodeSystem
    coded: int
    total: int


def coverage(
    kinds: Iterable[tuple[str, Iterable[Mapping[str, object]], Iterable[CodeSystem | str]]],
) -> tuple[Coverage, ...]:
    """Count, for each kind of record, how many carry a code of each system.

    Parameters
    ----------
    kinds : iterable of (kind, items, systems)
        A name for the kind (``"drugs"``), the code mappings of its records (each a
        mapping of system key to code, such as :attr:`Drug.codes
        <interventional.pharmacology.Drug.codes>`), and the systems to count.

    Returns
    -------
    tuple of Coverage
        One row per kind and system, in the order given.

    Examples
    --------
    >>> rows = coverage([("examples", [{"loinc": "6301-6"}, {}], ["loinc", "ucum"])])
    >>> [(row.kind, row.system.value, row.coded, row.total) for row in rows]
    [('examples', 'loinc', 1, 2), ('examples', 'ucum', 0, 2)]
    """
    rows: list[Coverage] = []
    for kind, items, systems in kinds:
        mappings = list(items)
        for system in systems:
            member = CodeSystem.parse(system, field="system")
            coded = sum(1 for mapping in mappings if member.value in mapping)
            rows.append(Coverage(kind, member, coded, len(mappings)))
    return tuple(rows)
