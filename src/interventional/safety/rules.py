"""The contraindication rules as data: medication holds, condition rules and thresholds.

Every rule the engine applies lives in a TOML file under ``interventional/safety/data/``
and is read by the library's one loader (:func:`interventional._data.load_records`):

- ``holds.toml``: one :class:`HoldRule` per drug (or drug and indication/route), with one
  :class:`HoldCell` per bleeding-risk class (ASRA 2018 pain guideline);
- ``rules.toml``: :class:`Rule` records, the general contraindications and the 2015
  epidural-steroid safety recommendations, matched by selectors on the patient and plan;
- ``vocabulary.toml``: the condition and device codes a :class:`~interventional.safety.Patient`
  may use (:class:`ConditionCode`, :class:`DeviceCode`), each with the SNOMED CT and
  ICD-10-CM codes that name it (:func:`condition_by_code`, :func:`device_by_code`);
- ``policy.toml``: numeric thresholds (:class:`Setting`), gathered into a :class:`Policy`.

:func:`default_rules` returns them all as one immutable :class:`RuleSet`.

Examples
--------
>>> from interventional.safety.rules import default_rules
>>> rules = default_rules()
>>> cell = rules.holds_for("clopidogrel")[0].cell("high")
>>> cell.action, cell.hold
(<HoldAction.HOLD: 'hold'>, datetime.timedelta(days=7))
>>> rules.policy.inr_max
1.2
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from datetime import timedelta
from importlib import resources
from types import MappingProxyType
from typing import Any

import attrs

from interventional._data import DataSource, load_records
from interventional._enums import OrderedEnum, ParsableEnum
from interventional.anatomy.levels import Region, VertebralLevel
from interventional.codes import (
    NO_CODES,
    Codes,
    CodeSystem,
    DuplicateCodeError,
    find_code,
    index_codes,
    to_codes,
)
from interventional.errors import (
    CatalogError,
    UnknownConditionError,
    UnknownDeviceError,
    ValidationError,
    suggest,
)
from interventional.imaging.modality import Modality
from interventional.procedures.risk import BleedingRisk
from interventional.references import Reference, to_references
from interventional.safety.labs import LabName
from interventional.units import as_quantity, as_timedelta, magnitude

__all__ = [
    "BUILTIN_RULES",
    "ConditionCode",
    "DeviceCode",
    "HoldAction",
    "HoldCell",
    "HoldRule",
    "Policy",
    "Rule",
    "RuleConfidence",
    "RuleSet",
    "Setting",
    "Verdict",
    "condition_by_code",
    "default_policy",
    "default_rules",
    "device_by_code",
    "load_rules",
]


class Verdict(OrderedEnum):
    """The outcome of a check, ordered from least to most restrictive.

    ``PROCEED < CAUTION < INSUFFICIENT_DATA < DEFER < CONTRAINDICATED``:

    - ``PROCEED``: nothing found against the procedure (reminders may still be listed);
    - ``CAUTION``: go ahead only with the precaution the finding names;
    - ``INSUFFICIENT_DATA``: the engine lacks something it needs (named in the finding);
    - ``DEFER``: not now: wait until the finding's ``until``, or correct what it names;
    - ``CONTRAINDICATED``: do not perform the procedure as planned.

    Examples
    --------
    >>> Verdict.PROCEED < Verdict.CAUTION < Verdict.INSUFFICIENT_DATA < Verdict.DEFER
    True
    >>> max(Verdict.parse("caution"), Verdict.CONTRAINDICATED)
    <Verdict.CONTRAINDICATED: 'contraindicated'>
    """

    PROCEED = "proceed"
    CAUTION = "caution"
    INSUFFICIENT_DATA = "insufficient-data"
    DEFER = "defer"
    CONTRAINDICATED = "contraindicated"


class HoldAction(ParsableEnum):
    """What the guideline says to do with a drug before one bleeding-risk class."""

    HOLD = "hold"
    NONE = "none"
    SHARED = "shared"
    UNKNOWN = "unknown"


class RuleConfidence(ParsableEnum):
    """How well a rule's value is supported (the fact sheet's confidence scale)."""

    HIGH = "high"
    MED = "med"
    LOW = "low"
    CONFLICT = "conflict"


def _text_tuple(values: object) -> tuple[str, ...]:
    if isinstance(values, str):
        return (values,)
    if not isinstance(values, Iterable):
        raise ValidationError("codes", f"expected a list of text, got {values!r}")
    return tuple(str(v) for v in values)


def _action_converter(value: Any) -> HoldAction:
    return HoldAction.parse(value)


def _rule_confidence_converter(value: Any) -> RuleConfidence:
    return RuleConfidence.parse(value)


def _verdict_converter(value: Any) -> Verdict:
    return Verdict.parse(value)


def _hold_converter(value: object) -> timedelta | None:
    return None if value is None else as_timedelta(value, field="hold")


def _renal_hold_converter(value: object) -> timedelta | None:
    return None if value is None else as_timedelta(value, field="renal_hold")


def _restart_converter(value: object) -> timedelta | None:
    return None if value is None else as_timedelta(value, field="restart")


def _hold_other_converter(value: object) -> timedelta | None:
    return None if value is None else as_timedelta(value, field="hold_other")


def _restart_other_converter(value: object) -> timedelta | None:
    return None if value is None else as_timedelta(value, field="restart_other")


def _optional_confidence(value: Any) -> RuleConfidence | None:
    return None if value is None else RuleConfidence.parse(value)


def _regions_converter(values: object) -> tuple[Region, ...]:
    return tuple(Region.parse(v, field="regions") for v in _text_tuple(values))


def _modalities_converter(values: object) -> tuple[Modality, ...]:
    return tuple(Modality.parse(v, field="modalities") for v in _text_tuple(values))


@attrs.frozen(slots=True)
class HoldCell:
    """One cell of the medication table: a drug before one bleeding-risk class.

    Parameters
    ----------
    action : HoldAction
        ``hold``, ``none``, ``shared`` (shared assessment with the prescriber:
        INSUFFICIENT_DATA until the medication records the decision) or ``unknown``.
    hold : timedelta, optional
        The interval between the last dose and the procedure (the conservative bound of a
        range). A ``shared`` cell may give one too: the interval that applies when the
        shared decision is to stop (otherwise the row's nearest higher hold cell gives it).
    renal_hold : timedelta, optional
        The interval with impaired renal function.
    restart : timedelta, optional
        The earliest restart after the procedure ends (the conservative bound of a range).
    lab : str, optional
        A laboratory condition: ``"inr"`` (normal INR).
    range : str, optional
        Free text of a range the sources give (older rule files; ``hold_other`` and
        ``restart_other`` say it as data).
    hold_other, restart_other : timedelta, optional
        The other reading where the sources give a range or conflict (the shorter bound);
        applied only where :attr:`Policy.other_readings` names the row. Never longer than
        ``hold`` / ``restart``.
    restart_conflict : bool
        The restart values conflict between sources (rather than forming one range).
    confidence : RuleConfidence
        Of the fact sheet; a LOW cell never gives PROCEED on its own.
    hold_confidence : RuleConfidence, optional
        The confidence of a ``shared`` cell's own ``hold`` (default: ``confidence``).
    text : str
        The guideline's words.
    """

    action: HoldAction = attrs.field(converter=_action_converter)
    hold: timedelta | None = attrs.field(default=None, converter=_hold_converter)
    renal_hold: timedelta | None = attrs.field(default=None, converter=_renal_hold_converter)
    restart: timedelta | None = attrs.field(default=None, converter=_restart_converter)
    lab: str | None = attrs.field(default=None)
    range: str | None = attrs.field(default=None)
    confidence: RuleConfidence = attrs.field(
        default=RuleConfidence.HIGH, converter=_rule_confidence_converter
    )
    text: str = attrs.field(default="")
    hold_other: timedelta | None = attrs.field(
        default=None, converter=_hold_other_converter, kw_only=True
    )
    restart_other: timedelta | None = attrs.field(
        default=None, converter=_restart_other_converter, kw_only=True
    )
    restart_conflict: bool = attrs.field(default=False, kw_only=True)
    hold_confidence: RuleConfidence | None = attrs.field(
        default=None, converter=_optional_confidence, kw_only=True
    )

    def __attrs_post_init__(self) -> None:
        if self.action is HoldAction.HOLD and self.hold is None:
            raise ValidationError("hold", "a 'hold' cell needs a hold interval such as '7 day'")
        if self.action not in (HoldAction.HOLD, HoldAction.SHARED) and self.hold is not None:
            raise ValidationError(
                "hold", f"only a 'hold' or 'shared' cell has an interval, not {self.action}"
            )
        for other, bound, name in (
            (self.hold_other, self.hold, "hold"),
            (self.restart_other, self.restart, "restart"),
        ):
            if other is None:
                continue
            if bound is None:
                raise ValidationError(f"{name}_other", f"the other reading needs a {name} value")
            if other > bound:
                raise ValidationError(
                    f"{name}_other",
                    f"the other reading ({other}) must not be longer than the conservative "
                    f"{name} ({bound})",
                )
        if self.restart_conflict and self.restart_other is None:
            raise ValidationError("restart_conflict", "a conflict needs restart_other")
        if self.lab not in (None, "inr"):
            raise ValidationError("lab", f"unknown lab condition {self.lab!r}", ["inr"])


@attrs.frozen(slots=True)
class HoldRule:
    """The medication-table row of one drug (or drug and indication or route).

    Parameters
    ----------
    id : str
        The record id.
    drugs : tuple of str
        The generic drug ids the row applies to.
    high, intermediate, low : HoldCell
        The cell for each bleeding-risk class.
    references : tuple of Reference
        Sources.
    indication : str, optional
        The indication this variant applies to (``"primary-prophylaxis"``...).
    route : str, optional
        The route this variant applies to (``"intravenous"``, ``"subcutaneous"``).
    classes : tuple of str, optional
        Drug classes whose drugs without a row of their own follow this row.
    note : str, optional
        Policy choices and disagreements between sources.
    """

    id: str
    drugs: tuple[str, ...] = attrs.field(converter=_text_tuple)
    high: HoldCell
    intermediate: HoldCell
    low: HoldCell
    references: tuple[Reference, ...] = attrs.field(converter=to_references)
    indication: str | None = attrs.field(default=None, kw_only=True)
    route: str | None = attrs.field(default=None, kw_only=True)
    classes: tuple[str, ...] = attrs.field(default=(), converter=_text_tuple, kw_only=True)
    note: str | None = attrs.field(default=None, kw_only=True)

    def cell(self, risk: BleedingRisk | str) -> HoldCell:
        """The cell for a bleeding-risk class."""
        risk = BleedingRisk.parse(risk)
        if risk is BleedingRisk.HIGH:
            return self.high
        if risk is BleedingRisk.INTERMEDIATE:
            return self.intermediate
        return self.low

    _washout_renal: timedelta | None = attrs.field(init=False, eq=False, hash=False, repr=False)
    _washout_plain: timedelta | None = attrs.field(init=False, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        cells = (self.high, self.intermediate, self.low)
        renal = [v for c in cells for v in (c.hold, c.renal_hold) if v is not None]
        plain = [c.hold for c in cells if c.hold is not None]
        object.__setattr__(self, "_washout_renal", max(renal) if renal else None)
        object.__setattr__(self, "_washout_plain", max(plain) if plain else None)

    @property
    def washout(self) -> timedelta | None:
        """The longest interval of the row (renal interval included), or ``None``.

        After this long without a dose, the drug is taken as washed out whatever the class:
        a shared-assessment or unknown cell then no longer blocks (the library's rule that
        keeps a higher risk class from ever being less restrictive than a lower one).
        """
        return self._washout_renal

    @property
    def washout_without_renal(self) -> timedelta | None:
        """The longest interval when renal function is known to be normal."""
        return self._washout_plain

    @property
    def has_other_reading(self) -> bool:
        """Whether some cell gives another reading of a range or conflict (a policy row)."""
        return any(
            c.hold_other is not None or c.restart_other is not None
            for c in (self.high, self.intermediate, self.low)
        )


def _check_vocabulary_codes(instance: object, attribute: object, value: Codes) -> None:
    extra = [s.value for s in value.systems if s not in (CodeSystem.SNOMED, CodeSystem.ICD10CM)]
    if extra:
        raise ValidationError("codes", f"carries SNOMED CT and ICD-10-CM codes only, got {extra}")


@attrs.frozen(slots=True)
class ConditionCode:
    """A condition code a patient record may use, and what it means to the rules.

    ``codes`` holds the SNOMED CT and ICD-10-CM codes that name the condition (empty for a
    code that no standard concept matches: see its ``codes.note``).
    """

    code: str
    description: str
    references: tuple[Reference, ...] = attrs.field(converter=to_references)
    upgrades: bool = attrs.field(default=False, kw_only=True)
    renal: bool = attrs.field(default=False, kw_only=True)
    requires_platelets: bool = attrs.field(default=False, kw_only=True)
    coagulation_studies: bool = attrs.field(default=False, kw_only=True)
    codes: Codes = attrs.field(
        default=NO_CODES,
        converter=to_codes,
        validator=_check_vocabulary_codes,
        kw_only=True,
        repr=False,
    )


@attrs.frozen(slots=True)
class DeviceCode:
    """An implanted-device code a patient record may use (``codes``: as for conditions)."""

    code: str
    description: str
    references: tuple[Reference, ...] = attrs.field(converter=to_references)
    codes: Codes = attrs.field(
        default=NO_CODES,
        converter=to_codes,
        validator=_check_vocabulary_codes,
        kw_only=True,
        repr=False,
    )


_SPECIAL_INJECTATES = ("particulate-corticosteroid", "corticosteroid-unknown-particle")


def _optional_level(value: object) -> VertebralLevel | None:
    return None if value is None else VertebralLevel.parse(value)  # type: ignore[arg-type]


def _optional_risk(value: object) -> BleedingRisk | None:
    return None if value is None else BleedingRisk.parse(value)  # type: ignore[arg-type]


def _optional_age(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError("min_age", f"expected a number of years, got {value!r}")
    return float(value)


def _lab_thresholds(values: object) -> Mapping[str, float]:
    """Lab names (of ``labs.toml``) to thresholds, e.g. ``{inr = 1.5}``."""
    if not isinstance(values, Mapping):
        raise ValidationError("lab", f"expected a table of lab names to numbers, got {values!r}")
    out: dict[str, float] = {}
    for name, limit in values.items():
        lab = LabName.parse(name, field="lab")
        if isinstance(limit, bool) or not isinstance(limit, int | float):
            raise ValidationError("lab", f"{name}: expected a number, got {limit!r}")
        out[lab.value] = float(limit)
    return MappingProxyType(out)


def _outcomes(values: object) -> Mapping[str, Verdict]:
    """Outcome names to verdicts, e.g. ``{low = "caution", normal = "proceed"}``."""
    if not isinstance(values, Mapping):
        raise ValidationError(
            "outcomes", f"expected a table of outcomes to verdicts, got {values!r}"
        )
    return MappingProxyType(
        {str(name): Verdict.parse(verdict, field="outcomes") for name, verdict in values.items()}
    )


def _check_pregnancy(
    instance: object, attribute: attrs.Attribute[str | None], value: object
) -> None:
    if value not in (None, "yes", "unknown"):
        raise ValidationError("pregnancy", f"must be 'yes' or 'unknown', got {value!r}")


@attrs.frozen(slots=True)
class Rule:
    """A general contraindication or plan rule, matched by selectors.

    A rule fires when every selector it gives matches; a selector it omits matches
    anything. See ``rules.toml`` for the selector vocabulary. A ``builtin`` rule is
    evaluated by the engine's own code (arithmetic, drug matching); its record holds the
    verdict of each of its outcomes (``outcomes``: :data:`BUILTIN_RULES` names the outcomes
    each check needs), the description and the sources.
    """

    id: str
    verdict: Verdict = attrs.field(converter=_verdict_converter)
    message: str
    references: tuple[Reference, ...] = attrs.field(converter=to_references)
    conditions: tuple[str, ...] = attrs.field(default=(), converter=_text_tuple, kw_only=True)
    devices: tuple[str, ...] = attrs.field(default=(), converter=_text_tuple, kw_only=True)
    allergies: tuple[str, ...] = attrs.field(default=(), converter=_text_tuple, kw_only=True)
    pregnancy: str | None = attrs.field(default=None, validator=_check_pregnancy, kw_only=True)
    min_age: float | None = attrs.field(default=None, converter=_optional_age, kw_only=True)
    lab_above: Mapping[str, float] = attrs.field(
        factory=dict, converter=_lab_thresholds, hash=False, kw_only=True
    )
    lab_below: Mapping[str, float] = attrs.field(
        factory=dict, converter=_lab_thresholds, hash=False, kw_only=True
    )
    neuraxial: bool | None = attrs.field(default=None, kw_only=True)
    techniques: tuple[str, ...] = attrs.field(default=(), converter=_text_tuple, kw_only=True)
    approaches: tuple[str, ...] = attrs.field(default=(), converter=_text_tuple, kw_only=True)
    categories: tuple[str, ...] = attrs.field(default=(), converter=_text_tuple, kw_only=True)
    regions: tuple[Region, ...] = attrs.field(
        default=(), converter=_regions_converter, kw_only=True
    )
    modalities: tuple[Modality, ...] = attrs.field(
        default=(), converter=_modalities_converter, kw_only=True
    )
    injectates: tuple[str, ...] = attrs.field(default=(), converter=_text_tuple, kw_only=True)
    lacks_injectates: tuple[str, ...] = attrs.field(default=(), converter=_text_tuple, kw_only=True)
    above_level: VertebralLevel | None = attrs.field(
        default=None, converter=_optional_level, kw_only=True
    )
    min_risk: BleedingRisk | None = attrs.field(
        default=None, converter=_optional_risk, kw_only=True
    )
    exclusive_of: tuple[str, ...] = attrs.field(default=(), converter=_text_tuple, kw_only=True)
    confidence: RuleConfidence = attrs.field(
        default=RuleConfidence.HIGH, converter=_rule_confidence_converter, kw_only=True
    )
    builtin: bool = attrs.field(default=False, kw_only=True)
    outcomes: Mapping[str, Verdict] = attrs.field(
        factory=dict, converter=_outcomes, hash=False, kw_only=True
    )
    note: str | None = attrs.field(default=None, kw_only=True)

    def outcome(self, name: str) -> Verdict:
        """The verdict of one outcome of a builtin check (its ``outcomes`` table).

        Raises
        ------
        ValidationError
            When the record has no such outcome.

        Examples
        --------
        >>> from interventional.safety import default_rules
        >>> default_rules().builtin("platelets").outcome("low-strict")
        <Verdict.DEFER: 'defer'>
        """
        try:
            return self.outcomes[name]
        except KeyError:
            raise ValidationError(
                "outcomes",
                f"rule {self.id!r} has no outcome {name!r}",
                suggest(name, self.outcomes),
            ) from None


class Basis(ParsableEnum):
    """Where a threshold comes from."""

    GUIDELINE = "guideline"
    SECONDARY_SOURCE = "secondary-source"
    LIBRARY_POLICY = "library-policy"


def _basis_converter(value: Any) -> Basis:
    return Basis.parse(value)


@attrs.frozen(slots=True)
class Setting:
    """One threshold of ``policy.toml``, as written, with its basis and sources."""

    id: str
    value: str
    basis: Basis = attrs.field(converter=_basis_converter)
    references: tuple[Reference, ...] = attrs.field(converter=to_references)
    note: str = ""


def _positive_float_of(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValidationError(field, f"expected a number, got {value!r}")
    try:
        number = float(value)
    except ValueError:
        raise ValidationError(field, f"expected a number, got {value!r}") from None
    if not number > 0:
        raise ValidationError(field, f"must be positive, got {value!r}")
    return number


def _per_microlitre_of(value: object, field: str) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return magnitude(as_quantity(value, "1/µL", field=field), "1/µL")


def _inr_max(value: object) -> float:
    return _positive_float_of(value, "inr_max")


def _local_anesthetic_near_fraction(value: object) -> float:
    return _positive_float_of(value, "local_anesthetic_near_fraction")


def _inr_max_age(value: object) -> timedelta:
    return as_timedelta(value, field="inr_max_age")


def _platelets_max_age(value: object) -> timedelta:
    return as_timedelta(value, field="platelets_max_age")


def _platelets_min_neuraxial(value: object) -> float:
    return _per_microlitre_of(value, "platelets_min_neuraxial")


def _platelets_min_neuromodulation(value: object) -> float:
    return _per_microlitre_of(value, "platelets_min_neuromodulation")


def _creatinine_clearance_normal_min(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    field = "creatinine_clearance_normal_min"
    return magnitude(as_quantity(value, "mL/min", field=field), "mL/min")


def _other_readings(value: object) -> frozenset[str]:
    """Row ids as a set: from a list, or from text (comma- or space-separated; ``""`` = none)."""
    if isinstance(value, str):
        return frozenset(part for part in value.replace(",", " ").split() if part)
    if not isinstance(value, Iterable):
        raise ValidationError("other_readings", f"expected hold-row ids, got {value!r}")
    out = set()
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ValidationError("other_readings", f"expected a hold-row id, got {item!r}")
        out.add(item.strip())
    return frozenset(out)


@attrs.frozen(slots=True)
class Policy:
    """The engine's thresholds as plain numbers (built from ``policy.toml``).

    Change one for a run with :func:`attrs.evolve` and pass the result through
    :meth:`RuleSet.with_policy`. Plain numbers: quantities given as text are converted.

    Parameters
    ----------
    inr_max : float
        The highest INR that counts as normal (inclusive).
    inr_max_age : timedelta
        How old an INR may be (library policy).
    platelets_min_neuraxial : float
        Platelets per µL below which a neuraxial or high-risk procedure is deferred.
    platelets_min_neuromodulation : float
        Platelets per µL below which neuromodulation gets a CAUTION.
    platelets_max_age : timedelta
        How old a platelet count may be (library policy).
    creatinine_clearance_normal_min : float
        mL/min at and above which renal function counts as not impaired.
    local_anesthetic_near_fraction : float
        Fraction of the maximum local-anaesthetic dose at which a CAUTION starts.
    concurrent_antithrombotics_min : int
        How many anticoagulants or antiplatelet agents make a patient factor.
    other_readings : frozenset of str
        Ids of ``holds.toml`` rows whose other reading applies where the sources give a
        range or conflict (apixaban 3-5 days, prasugrel 7-10 days, warfarin restart 6 h vs
        24 h, dabigatran 4-5 days, ...). Empty by default: the conservative bound applies
        everywhere. Every finding from such a row says which reading was applied. An id
        that names no row, or a row without another reading, is an error when the policy
        is given to a rule set (:meth:`RuleSet.with_policy`).

    Examples
    --------
    >>> import attrs
    >>> from interventional.safety.rules import default_policy
    >>> attrs.evolve(default_policy(), inr_max="1.3").inr_max
    1.3
    >>> sorted(attrs.evolve(default_policy(), other_readings=["apixaban"]).other_readings)
    ['apixaban']
    """

    inr_max: float = attrs.field(converter=_inr_max)
    inr_max_age: timedelta = attrs.field(converter=_inr_max_age)
    platelets_min_neuraxial: float = attrs.field(converter=_platelets_min_neuraxial)
    platelets_min_neuromodulation: float = attrs.field(converter=_platelets_min_neuromodulation)
    platelets_max_age: timedelta = attrs.field(converter=_platelets_max_age)
    creatinine_clearance_normal_min: float = attrs.field(converter=_creatinine_clearance_normal_min)
    local_anesthetic_near_fraction: float = attrs.field(converter=_local_anesthetic_near_fraction)
    concurrent_antithrombotics_min: int = attrs.field(converter=int)
    other_readings: frozenset[str] = attrs.field(
        default=frozenset(), converter=_other_readings, kw_only=True
    )

    @concurrent_antithrombotics_min.validator
    def _check_concurrent(self, attribute: attrs.Attribute[int], value: int) -> None:
        if value < 1:
            raise ValidationError(
                "concurrent_antithrombotics_min",
                f"must be at least 1 (a count of drugs), got {value}",
            )

    @classmethod
    def from_settings(cls, settings: Iterable[Setting]) -> Policy:
        """Build a policy from ``[[setting]]`` records (ids in kebab-case)."""
        values = {setting.id.replace("-", "_"): setting.value for setting in settings}
        fields = attrs.fields(cls)
        missing = [f.name for f in fields if f.name not in values and f.default is attrs.NOTHING]
        if missing:
            raise ValidationError("setting", f"missing settings: {', '.join(missing)}")
        return cls(**{f.name: values[f.name] for f in fields if f.name in values})


BUILTIN_RULES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "allergy-to-injectate": ("allergy",),
        "bleeding-risk-upgraded": ("upgraded",),
        "coagulation-studies": ("missing",),
        "inr": ("none", "before-dose", "stale", "high", "normal"),
        "last-dose-unknown": ("unknown",),
        "local-anesthetic-dose": (
            "amount-unknown",
            "weight-unknown",
            "no-maximum",
            "above",
            "near",
            "within",
            "combined",
        ),
        "neuraxial-contrast-label": ("against", "unidentified", "labelled"),
        "no-hold-rule": ("no-rule",),
        "platelets": ("required", "low-strict", "low", "low-neuromodulation", "normal"),
        "renal-function": (),
        "unverified-rule": ("unverified",),
        "variant-needed": ("mismatch", "needed", "agree"),
    }
)
"""The engine's checks, each with the outcomes whose verdicts its record must give."""


def _data(name: str) -> DataSource:
    return resources.files("interventional.safety") / "data" / name


@attrs.frozen(slots=True, eq=False)
class RuleSet:
    """Every rule the engine applies, indexed for fast look-up.

    Build one with :func:`default_rules` or :func:`load_rules`; change its thresholds with
    :meth:`with_policy`. Rule sets compare by identity (the engine caches per rule set).
    """

    holds: tuple[HoldRule, ...]
    rules: tuple[Rule, ...]
    conditions: Mapping[str, ConditionCode] = attrs.field(eq=False, hash=False)
    devices: Mapping[str, DeviceCode] = attrs.field(eq=False, hash=False)
    settings: tuple[Setting, ...]
    policy: Policy
    _by_drug: Mapping[str, tuple[HoldRule, ...]] = attrs.field(
        init=False, eq=False, hash=False, repr=False
    )
    _by_class: Mapping[str, HoldRule] = attrs.field(init=False, eq=False, hash=False, repr=False)
    _builtins: Mapping[str, Rule] = attrs.field(init=False, eq=False, hash=False, repr=False)
    _conditions_by_code: Mapping[tuple[CodeSystem, str], str] = attrs.field(
        init=False, eq=False, hash=False, repr=False
    )
    _devices_by_code: Mapping[tuple[CodeSystem, str], str] = attrs.field(
        init=False, eq=False, hash=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        by_drug: dict[str, list[HoldRule]] = {}
        by_class: dict[str, HoldRule] = {}
        for hold in self.holds:
            for name in hold.drugs:
                by_drug.setdefault(name, []).append(hold)
            for drug_class in hold.classes:
                by_class[drug_class] = hold
        object.__setattr__(
            self, "_by_drug", MappingProxyType({k: tuple(v) for k, v in by_drug.items()})
        )
        object.__setattr__(self, "_by_class", MappingProxyType(by_class))
        object.__setattr__(
            self, "_builtins", MappingProxyType({r.id: r for r in self.rules if r.builtin})
        )
        for field, table in (
            ("_conditions_by_code", self.conditions),
            ("_devices_by_code", self.devices),
        ):
            index = index_codes((code, record.codes) for code, record in table.items())
            object.__setattr__(self, field, MappingProxyType(dict(index)))
        known = {rule.id for rule in self.rules}
        for rule in self.rules:
            for code in rule.conditions:
                if code not in self.conditions:
                    raise ValidationError("conditions", f"rule {rule.id!r}: unknown code {code!r}")
            for code in rule.devices:
                if code not in self.devices:
                    raise ValidationError("devices", f"rule {rule.id!r}: unknown code {code!r}")
            for other in rule.exclusive_of:
                if other not in known:
                    raise ValidationError("exclusive_of", f"rule {rule.id!r}: no rule {other!r}")
        missing = [rule_id for rule_id in BUILTIN_RULES if rule_id not in self._builtins]
        if missing:
            raise ValidationError(
                "rule", f"the rule set lacks the builtin rules {', '.join(missing)}"
            )
        for rule_id, needed in BUILTIN_RULES.items():
            lacking = [name for name in needed if name not in self._builtins[rule_id].outcomes]
            if lacking:
                raise ValidationError(
                    "outcomes",
                    f"builtin rule {rule_id!r} lacks the verdicts of its outcomes "
                    f"{', '.join(lacking)}",
                )
        rows = {hold.id: hold for hold in self.holds}
        policy_rows = [hold.id for hold in self.holds if hold.has_other_reading]
        for row_id in sorted(self.policy.other_readings):
            if row_id not in rows or not rows[row_id].has_other_reading:
                why = "no hold row has that id" if row_id not in rows else "the row has one reading"
                raise ValidationError(
                    "other_readings",
                    f"{row_id!r}: {why}; rows with another reading: {', '.join(policy_rows)}",
                    suggest(row_id, policy_rows),
                )

    def holds_for(self, drug: str, drug_class: str | None = None) -> tuple[HoldRule, ...]:
        """The hold rows of a drug (its variants), or its class's row, or ``()``."""
        found = self._by_drug.get(drug)
        if found:
            return found
        if drug_class is not None and drug_class in self._by_class:
            return (self._by_class[drug_class],)
        return ()

    def builtin(self, rule_id: str) -> Rule:
        """The record of an engine check (``builtin = true``) by id."""
        try:
            return self._builtins[rule_id]
        except KeyError:
            raise ValidationError(
                "rule",
                f"the rule set has no builtin rule {rule_id!r}",
                suggest(rule_id, self._builtins),
            ) from None

    def with_policy(self, policy: Policy) -> RuleSet:
        """The same rules with other thresholds or readings.

        Raises
        ------
        ValidationError
            When ``policy.other_readings`` names a row that does not exist or has no other
            reading (with the nearest row ids).

        Examples
        --------
        >>> import attrs
        >>> rules = default_rules()
        >>> chosen = rules.with_policy(attrs.evolve(rules.policy, other_readings=["apixaban"]))
        >>> sorted(chosen.policy.other_readings)
        ['apixaban']
        >>> rules.with_policy(attrs.evolve(rules.policy, other_readings=["apixiban"]))
        Traceback (most recent call last):
        ...
        interventional.errors.ValidationError: other_readings: 'apixiban': no hold row has that id; ...
        """
        return attrs.evolve(self, policy=policy)

    def other_reading(self, row: HoldRule) -> bool:
        """Whether the policy applies the other reading of a row's ranges or conflicts."""
        return row.id in self.policy.other_readings

    def condition_by_code(self, system: CodeSystem | str, code: str) -> ConditionCode:
        """The vocabulary's condition that a SNOMED CT or ICD-10-CM code names.

        An ICD-10-CM code also matches a listed category or subcategory above it
        (``E11.65`` finds ``diabetes``, which lists ``E11``).

        Raises
        ------
        UnknownConditionError
            When no condition of the vocabulary has that code (a :class:`KeyError`).

        Examples
        --------
        >>> from interventional.safety import default_rules
        >>> default_rules().condition_by_code("icd-10-cm", "E11.65").code
        'diabetes'
        """
        return self.conditions[
            _by_code(self._conditions_by_code, system, code, UnknownConditionError)
        ]

    def device_by_code(self, system: CodeSystem | str, code: str) -> DeviceCode:
        """The vocabulary's implanted device that a SNOMED CT or ICD-10-CM code names.

        Raises
        ------
        UnknownDeviceError
            When no device of the vocabulary has that code (a :class:`KeyError`).

        Examples
        --------
        >>> from interventional.safety import default_rules
        >>> default_rules().device_by_code("http://snomed.info/sct", "14106009").code
        'pacemaker'
        """
        return self.devices[_by_code(self._devices_by_code, system, code, UnknownDeviceError)]


def _by_code(
    index: Mapping[tuple[CodeSystem, str], str],
    system: CodeSystem | str,
    code: str,
    error: type[UnknownConditionError] | type[UnknownDeviceError],
) -> str:
    wanted = CodeSystem.parse(system, field="system")
    name, why = find_code(index, wanted, code)
    if name is None:
        raise error.for_code(wanted.title, code, why)
    return name


def load_rules(
    holds: DataSource | None = None,
    rules: DataSource | None = None,
    vocabulary: DataSource | None = None,
    policy: DataSource | None = None,
) -> RuleSet:
    """Load a rule set; each file defaults to the built-in one.

    Parameters
    ----------
    holds, rules, vocabulary, policy : path, optional
        A clinic's own ``holds.toml``, ``rules.toml``, ``vocabulary.toml`` or ``policy.toml``.

    Raises
    ------
    CatalogError
        Naming file, record and field.
    """
    hold_records = load_records(holds or _data("holds.toml"), HoldRule, table="hold")
    rule_records = load_records(rules or _data("rules.toml"), Rule, table="rule")
    vocab = vocabulary or _data("vocabulary.toml")
    condition_records = load_records(vocab, ConditionCode, table="condition", key="code")
    device_records = load_records(vocab, DeviceCode, table="device", key="code")
    for table, records in (("condition", condition_records), ("device", device_records)):
        try:
            index_codes((record.code, record.codes) for record in records)
        except DuplicateCodeError as error:
            raise CatalogError(
                str(vocab), f"{table} {error.record!r}", error.field, error.reason
            ) from None
    settings = load_records(policy or _data("policy.toml"), Setting, table="setting")
    try:
        built_policy = Policy.from_settings(settings)
        return RuleSet(
            holds=hold_records,
            rules=rule_records,
            conditions=MappingProxyType({c.code: c for c in condition_records}),
            devices=MappingProxyType({d.code: d for d in device_records}),
            settings=settings,
            policy=built_policy,
        )
    except ValidationError as error:
        raise CatalogError("<rule set>", None, error.field, error.reason) from None


@functools.cache
def default_rules() -> RuleSet:
    """The built-in rule set (loaded once).

    Examples
    --------
    >>> len(default_rules().holds) > 40
    True
    """
    return load_rules()


def default_policy() -> Policy:
    """The built-in thresholds (see ``policy.toml``)."""
    return default_rules().policy


def condition_by_code(
    system: CodeSystem | str, code: str, *, rules: RuleSet | None = None
) -> ConditionCode:
    """The condition of the vocabulary that a SNOMED CT or ICD-10-CM code names.

    Parameters
    ----------
    system : CodeSystem or str
        ``"snomed"`` or ``"icd-10-cm"``, or the FHIR system URI
        (``"http://snomed.info/sct"``, ``"http://hl7.org/fhir/sid/icd-10-cm"``).
    code : str
        The code; an ICD-10-CM code also matches a listed category above it.
    rules : RuleSet, optional
        Whose vocabulary to search (default: the built-in rules).

    Returns
    -------
    ConditionCode
        The vocabulary record; its ``code`` is what a :class:`~interventional.safety.Patient`
        lists in ``conditions``.

    Raises
    ------
    UnknownConditionError
        When no condition has that code (a :class:`KeyError`), saying why where it can.

    References
    ----------
    SNOMED-CT, ICD-10-CM

    Examples
    --------
    >>> from interventional.safety import condition_by_code
    >>> condition_by_code("snomed", "44054006").code
    'diabetes'
    >>> condition_by_code("http://hl7.org/fhir/sid/icd-10-cm", "N18.6").code
    'advanced-renal-disease'
    >>> condition_by_code("icd-10-cm", "D68.51")
    Traceback (most recent call last):
    ...
    interventional.errors.UnknownConditionError: no condition has the ICD-10-CM code 'D68.51'
    """
    return (rules or default_rules()).condition_by_code(system, code)


def device_by_code(
    system: CodeSystem | str, code: str, *, rules: RuleSet | None = None
) -> DeviceCode:
    """The implanted device of the vocabulary that a SNOMED CT or ICD-10-CM code names.

    Raises
    ------
    UnknownDeviceError
        When no device has that code (a :class:`KeyError`).

    Examples
    --------
    >>> from interventional.safety import device_by_code
    >>> device_by_code("icd-10-cm", "Z95.810").code
    'icd'
    """
    return (rules or default_rules()).device_by_code(system, code)
