"""The drug vocabulary: :class:`Drug`, :class:`DrugClass`, :func:`drug` and :func:`drugs`.

The vocabulary is data (``pharmacology/data/drugs.toml``): one record per generic drug
with its class, display name, brand names and other spellings, the particulate status of
corticosteroids, the dimension its amounts are given in (mass, or international units for
heparin and dalteparin) and the sources. :func:`drug` finds a drug by its generic id or
any alias, in any case.

Each record also carries its standard codes (:attr:`Drug.codes`): the RxNorm ingredient
RxCUI and the WHO ATC code, with their sources; :func:`drug_by_code` finds a drug by any
of them (the FHIR system URI works as well as the key), as a FHIR import needs.

Examples
--------
>>> from interventional.pharmacology import drug
>>> lidocaine = drug("Xylocaine")
>>> lidocaine.name, lidocaine.drug_class
('lidocaine', <DrugClass.LOCAL_ANESTHETIC: 'local-anesthetic'>)
>>> drug("Depo-Medrol").name, drug("depo-medrol").particulate
('methylprednisolone-acetate', True)
>>> drug("lidocain")
Traceback (most recent call last):
...
interventional.errors.UnknownDrugError: unknown drug 'lidocain'; did you mean 'lidocaine', 'lignocaine', 'Xylocaine'?
>>> dict(drug("apixaban").codes)
{'rxnorm': '1364430', 'atc': 'B01AF02'}
>>> drug_by_code("http://www.whocc.no/atc", "B01AF02").name
'apixaban'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any, NamedTuple

import attrs

from interventional._data import DataSource, load_records
from interventional._enums import ParsableEnum
from interventional.codes import (
    NO_CODES,
    Codes,
    CodeSystem,
    DuplicateCodeError,
    find_code,
    index_codes,
    to_codes,
)
from interventional.errors import UnknownDrugError, ValidationError, suggest
from interventional.references import Reference, to_references
from interventional.units import Q_

__all__ = ["Drug", "DrugClass", "drug", "drug_by_code", "drugs", "load_drugs"]


class DrugClass(ParsableEnum):
    """The pharmacological class of a drug, as the safety rules group drugs.

    Examples
    --------
    >>> DrugClass.parse("Local anesthetic")
    <DrugClass.LOCAL_ANESTHETIC: 'local-anesthetic'>
    >>> DrugClass.FACTOR_XA_INHIBITOR.antithrombotic
    True
    """

    LOCAL_ANESTHETIC = "local-anesthetic"
    CORTICOSTEROID = "corticosteroid"
    IODINATED_CONTRAST = "iodinated-contrast"
    GADOLINIUM_CONTRAST = "gadolinium-contrast"
    NEUROLYTIC = "neurolytic"
    DILUENT = "diluent"
    VITAMIN_K_ANTAGONIST = "vitamin-k-antagonist"
    UNFRACTIONATED_HEPARIN = "unfractionated-heparin"
    LOW_MOLECULAR_WEIGHT_HEPARIN = "low-molecular-weight-heparin"
    INDIRECT_FACTOR_XA_INHIBITOR = "indirect-factor-xa-inhibitor"
    FACTOR_XA_INHIBITOR = "factor-xa-inhibitor"
    DIRECT_THROMBIN_INHIBITOR = "direct-thrombin-inhibitor"
    ASPIRIN = "aspirin"
    NSAID = "nsaid"
    COX_2_INHIBITOR = "cox-2-inhibitor"
    P2Y12_INHIBITOR = "p2y12-inhibitor"
    GLYCOPROTEIN_IIB_IIIA_INHIBITOR = "glycoprotein-iib-iiia-inhibitor"
    PHOSPHODIESTERASE_INHIBITOR = "phosphodiesterase-inhibitor"
    PAR_1_ANTAGONIST = "par-1-antagonist"
    THROMBOLYTIC = "thrombolytic"
    SSRI_SNRI = "ssri-snri"
    HERBAL_SUPPLEMENT = "herbal-supplement"

    @property
    def injectate(self) -> bool:
        """Whether drugs of this class are injected during a procedure (not taken by the patient)."""
        return self in _INJECTATES

    @property
    def contrast(self) -> bool:
        """Whether this is a class of contrast agents (iodinated or gadolinium-based)."""
        return self in (DrugClass.IODINATED_CONTRAST, DrugClass.GADOLINIUM_CONTRAST)

    @property
    def antithrombotic(self) -> bool:
        """Whether drugs of this class affect haemostasis (the medication-hold classes)."""
        return not self.injectate


_INJECTATES = frozenset(
    {
        DrugClass.LOCAL_ANESTHETIC,
        DrugClass.CORTICOSTEROID,
        DrugClass.IODINATED_CONTRAST,
        DrugClass.GADOLINIUM_CONTRAST,
        DrugClass.NEUROLYTIC,
        DrugClass.DILUENT,
    }
)


def _fold(text: str) -> str:
    """Fold a drug name for look-up: case, spaces, hyphens and underscores do not matter."""
    return re.sub(r"[\s_\-]+", "-", text.strip().casefold())


def _to_drug_class(value: str | DrugClass) -> DrugClass:
    return DrugClass.parse(value, field="drug_class")


def _to_aliases(values: object) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list | tuple | frozenset | set):
        raise ValidationError("aliases", f"expected a list of names, got {values!r}")
    aliases: list[str] = []
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise ValidationError("aliases", f"each alias must be non-empty text, got {value!r}")
        aliases.append(value)
    return tuple(aliases)


def _check_name(instance: Drug, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value or _fold(value) != value:
        raise ValidationError(
            attribute.name, f"a generic id is lower-case words joined by '-', got {value!r}"
        )


def _check_display_name(instance: Drug, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(attribute.name, f"must be non-empty text, got {value!r}")


def _check_particulate(
    instance: Drug, attribute: attrs.Attribute[bool | None], value: object
) -> None:
    if instance.drug_class is DrugClass.CORTICOSTEROID:
        if not isinstance(value, bool):
            raise ValidationError(
                attribute.name,
                f"a corticosteroid must say whether it is particulate, got {value!r}",
            )
    elif value is not None:
        raise ValidationError(
            attribute.name, f"only corticosteroids have a particulate status, got {value!r}"
        )


def _check_dose_unit(instance: Drug, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in ("mg", "IU"):
        raise ValidationError(
            attribute.name,
            f"amounts are given as a mass ('mg') or in 'IU', got {value!r}",
            ("mg", "IU"),
        )


def _check_references(
    instance: Drug, attribute: attrs.Attribute[tuple[Reference, ...]], value: tuple[Reference, ...]
) -> None:
    if not value:
        raise ValidationError(attribute.name, "every drug record cites at least one source")


@attrs.frozen(slots=True)
class Drug:
    """A drug of the vocabulary: generic id, class and names.

    Parameters
    ----------
    name : str
        The generic id: lower-case words joined by ``-`` (``"triamcinolone-acetonide"``).
    display_name : str
        The name as written in prose (``"Triamcinolone acetonide"``).
    drug_class : DrugClass
        The pharmacological class.
    aliases : tuple of str, optional
        Brand names and other spellings that :func:`drug` also accepts.
    particulate : bool or None, optional
        For corticosteroids, whether the injectable preparation is particulate (a
        suspension whose particles or aggregates exceed red-cell size); ``None`` for every
        other class.
    dose_unit : str, optional
        The unit amounts of the drug are given in: ``"mg"`` (a mass, the default) or ``"IU"``
        (international units, for unfractionated heparin and dalteparin).
    references : tuple of Reference
        The sources (citation keys are converted).
    note : str, optional
        Anything a reader should know about the record.
    codes : Codes or mapping, optional
        The drug's standard codes with their sources (``[drug.codes]`` in the data file):
        ``rxnorm``, the RxNorm ingredient RxCUI (TTY IN), and ``atc``, the WHO ATC codes,
        the primary first. Empty where no code names the drug alone (see the data file).

    Examples
    --------
    >>> from interventional.pharmacology import Drug, DrugClass
    >>> custom = Drug("articaine", "Articaine", DrugClass.LOCAL_ANESTHETIC, references=["DRORACLE-LA"])
    >>> custom
    Drug(name='articaine', display_name='Articaine', drug_class=<DrugClass.LOCAL_ANESTHETIC: 'local-anesthetic'>, particulate=None)
    >>> Drug("Dex", "Dexamethasone", "corticosteroid", references=["AANA19"])
    Traceback (most recent call last):
    ...
    interventional.errors.ValidationError: name: a generic id is lower-case words joined by '-', got 'Dex'
    """

    name: str = attrs.field(validator=_check_name)
    display_name: str = attrs.field(validator=_check_display_name)
    drug_class: DrugClass = attrs.field(converter=_to_drug_class)
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_to_aliases, repr=False)
    particulate: bool | None = attrs.field(default=None, validator=_check_particulate)
    dose_unit: str = attrs.field(default="mg", validator=_check_dose_unit, repr=False)
    references: tuple[Reference, ...] = attrs.field(
        factory=tuple, converter=to_references, validator=_check_references, repr=False
    )
    note: str | None = attrs.field(default=None, repr=False)
    codes: Codes = attrs.field(default=NO_CODES, converter=to_codes, repr=False, kw_only=True)

    @property
    def names(self) -> tuple[str, ...]:
        """The generic id followed by every alias."""
        return (self.name, *self.aliases)

    def accepts_amount(self, unit: Any) -> bool:
        """Whether an amount in ``unit`` (text or pint unit) has this drug's dimension.

        Examples
        --------
        >>> from interventional.pharmacology import drug
        >>> drug("heparin").accepts_amount("IU"), drug("heparin").accepts_amount("mg")
        (True, False)
        """
        return bool(Q_(1, unit).is_compatible_with(self.dose_unit))

    def __str__(self) -> str:
        return self.name


_DRUGS_FILE = resources.files("interventional.pharmacology") / "data" / "drugs.toml"


def load_drugs(source: DataSource) -> tuple[Drug, ...]:
    """Load a drug vocabulary file (the schema of ``pharmacology/data/drugs.toml``).

    Parameters
    ----------
    source : path or packaged resource
        A TOML file of ``[[drug]]`` records.

    Returns
    -------
    tuple of Drug
        The records in file order.

    Raises
    ------
    CatalogError
        Naming the file, record and field of the first problem; also when two drugs share
        a name or an alias.
    """
    from interventional.errors import CatalogError

    records = load_records(source, Drug, table="drug", key="name")
    try:
        index_codes((record.name, record.codes) for record in records)
    except DuplicateCodeError as error:
        raise CatalogError(
            str(source), f"drug {error.record!r}", error.field, error.reason
        ) from None
    owners: dict[str, str] = {}
    for record in records:
        for name in record.names:
            folded = _fold(name)
            owner = owners.setdefault(folded, record.name)
            if owner != record.name:
                raise CatalogError(
                    str(source),
                    f"drug {record.name!r}",
                    "aliases",
                    f"{name!r} already names the drug {owner!r}",
                )
    return records


class _Vocabulary(NamedTuple):
    by_name: Mapping[str, Drug]
    by_folded: Mapping[str, Drug]
    by_code: Mapping[tuple[CodeSystem, str], str]


@functools.cache
def _vocabulary() -> _Vocabulary:
    records = load_drugs(_DRUGS_FILE)
    by_name = MappingProxyType({record.name: record for record in records})
    by_folded = MappingProxyType(
        {_fold(name): record for record in records for name in record.names}
    )
    by_code = MappingProxyType(index_codes((record.name, record.codes) for record in records))
    return _Vocabulary(by_name, by_folded, by_code)


def drugs() -> Mapping[str, Drug]:
    """Return the built-in drug vocabulary, keyed by generic id (read once).

    Examples
    --------
    >>> from interventional.pharmacology import drugs
    >>> "dexamethasone" in drugs(), len(drugs()) > 50
    (True, True)
    """
    return _vocabulary().by_name


def drug(name: str | Drug) -> Drug:
    """Return the drug named ``name``: a generic id or an alias, in any case.

    Parameters
    ----------
    name : str or Drug
        A generic id (``"triamcinolone-acetonide"``), a brand name or other spelling
        (``"Kenalog"``); spaces, hyphens and underscores are interchangeable. A
        :class:`Drug` is returned as it is.

    Returns
    -------
    Drug
        The vocabulary record.

    Raises
    ------
    UnknownDrugError
        When no drug has that name, with the closest names as suggestions.

    Examples
    --------
    >>> from interventional.pharmacology import drug
    >>> drug("KENALOG") == drug("triamcinolone acetonide") == drug("triamcinolone-acetonide")
    True
    >>> drug("apixiban")
    Traceback (most recent call last):
    ...
    interventional.errors.UnknownDrugError: unknown drug 'apixiban'; did you mean 'apixaban', 'aspirin', 'tirofiban'?
    """
    if isinstance(name, Drug):
        return name
    if not isinstance(name, str):
        raise UnknownDrugError(repr(name))
    by_name, by_folded, _ = _vocabulary()
    found = by_name.get(name)  # a generic id, as stored on every record: no folding needed
    if found is None:
        found = by_folded.get(_fold(name))
    if found is None:
        candidates = [alias for record in by_name.values() for alias in record.names]
        raise UnknownDrugError(name, suggest(name, candidates))
    return found


def drug_by_code(system: CodeSystem | str, code: str) -> Drug:
    """Return the drug of the vocabulary that a standard code names.

    Parameters
    ----------
    system : CodeSystem or str
        ``"rxnorm"`` or ``"atc"`` (or the :class:`~interventional.codes.CodeSystem`, or
        its FHIR system URI such as ``"http://www.nlm.nih.gov/research/umls/rxnorm"``).
    code : str
        The code: an RxNorm ingredient RxCUI, or any of a drug's ATC codes (not only the
        primary one: aspirin is found by its antithrombotic and its analgesic code).

    Returns
    -------
    Drug
        The vocabulary record.

    Raises
    ------
    UnknownDrugError
        When no drug has that code, saying why where it can (a malformed code, or a code
        of another system).
    ValidationError
        When ``system`` is not a known code system.

    References
    ----------
    NLM-RXNORM, WHOCC-ATC

    Examples
    --------
    >>> from interventional.pharmacology import drug_by_code
    >>> drug_by_code("rxnorm", "1364430").name
    'apixaban'
    >>> drug_by_code("atc", "N02BA01").name, drug_by_code("atc", "B01AC06").name
    ('aspirin', 'aspirin')
    >>> drug_by_code("rxnorm", "B01AF02")
    Traceback (most recent call last):
    ...
    interventional.errors.UnknownDrugError: no drug has the RxNorm code 'B01AF02' (... it is the WHO ATC code of 'apixaban')
    """
    wanted = CodeSystem.parse(system, field="system")
    vocabulary = _vocabulary()
    name, why = find_code(vocabulary.by_code, wanted, code)
    if name is None:
        raise UnknownDrugError.for_code(wanted.title, code, why)
    return vocabulary.by_name[name]
