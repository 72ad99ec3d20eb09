"""The procedure model: :class:`Procedure` and the vocabularies that describe it.

A :class:`Procedure` is one entry of the catalogue: what is done (category, technique,
approach), where (regions, the levels it may be done at, target rules that resolve to
atlas structures), how it is guided (modalities, fluoroscopic views, needle), what is
typically injected, what is at risk, and the ASRA 2018 bleeding-risk class. Every record
lives in ``procedures/data/*.toml`` and cites its sources.

Target rules
------------
A :class:`TargetRule` turns a plan's levels and side into atlas structures. Its ``anchor``
is a structure id template (placeholders ``{side}``, ``{segment}``, ``{upper}``,
``{lower}``, ``{nerve}``, ``{level}``, ``{region}``, and ``{target}`` for what the plan
chooses, such as the muscle of a trigger point injection). Without a ``relation`` the anchor
itself is the target; with one, the targets are the anchor's neighbours along that relation
of the atlas graph, filtered by ``kinds``. A lumbar medial branch block is the rule "the
medial branches and dorsal rami that INNERVATE ``facet-joint:{segment}:{side}``", so the
anatomy decides which nerves are blocked, not a string template.

Examples
--------
>>> rule = TargetRule("facet-joint:{segment}:{side}", relation="innervates",
...                   kinds=("medial-branch", "dorsal-ramus"))
>>> sorted(rule.placeholders)
['segment', 'side']
>>> QuantityRange.parse("1.5-3 mL", like="mL")
QuantityRange.parse('1.5-3 mL')
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

import attrs

from interventional._enums import ParsableEnum
from interventional.anatomy.levels import Region, Segment, VertebralLevel
from interventional.anatomy.relations import Relation
from interventional.anatomy.structures import StructureKind
from interventional.codes import NO_CODES, Codes, CodeSystem, to_codes
from interventional.errors import ValidationError, suggest
from interventional.imaging.modality import Modality
from interventional.procedures.risk import BleedingRisk, RiskBasis
from interventional.references import Reference, to_references
from interventional.units import QuantityRange, as_positive_timedelta

__all__ = [
    "Approach",
    "Injectate",
    "Level",
    "Procedure",
    "ProcedureCategory",
    "TargetRule",
    "Technique",
    "parse_level",
]

Level = Segment | VertebralLevel
"""Where a spinal procedure is done: a segment (``L4-L5``) or a vertebral level (``S1``)."""

_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PLACEHOLDERS = frozenset(
    {"side", "segment", "upper", "lower", "nerve", "level", "region", "target"}
)
SEGMENT_PLACEHOLDERS = frozenset({"segment", "upper", "lower", "nerve"})


class ProcedureCategory(ParsableEnum):
    """The family a procedure belongs to.

    Examples
    --------
    >>> ProcedureCategory.parse("Epidural steroid injection")
    <ProcedureCategory.EPIDURAL_STEROID_INJECTION: 'epidural-steroid-injection'>
    """

    EPIDURAL_STEROID_INJECTION = "epidural-steroid-injection"
    FACET_INTERVENTION = "facet-intervention"
    SACROILIAC_INTERVENTION = "sacroiliac-intervention"
    SYMPATHETIC_BLOCK = "sympathetic-block"
    CRANIAL_BLOCK = "cranial-block"
    PERIPHERAL_NERVE_INTERVENTION = "peripheral-nerve-intervention"
    JOINT_INJECTION = "joint-injection"
    SOFT_TISSUE_INJECTION = "soft-tissue-injection"
    INTRADISCAL = "intradiscal"
    NEUROMODULATION = "neuromodulation"
    INTRATHECAL_DRUG_DELIVERY = "intrathecal-drug-delivery"
    VERTEBRAL_AUGMENTATION = "vertebral-augmentation"
    SPINAL_DECOMPRESSION = "spinal-decompression"
    EPIDURAL_INTERVENTION = "epidural-intervention"
    SPINAL_NERVE_INTERVENTION = "spinal-nerve-intervention"
    INTRAOSSEOUS = "intraosseous"
    INTRAVENOUS_REGIONAL_ANAESTHESIA = "intravenous-regional-anaesthesia"


class Technique(ParsableEnum):
    """What is done at the target.

    Examples
    --------
    >>> Technique.parse("RF ablation".replace("RF", "radiofrequency"))
    <Technique.RADIOFREQUENCY_ABLATION: 'radiofrequency-ablation'>
    """

    INJECTION = "injection"
    NERVE_BLOCK = "nerve-block"
    RADIOFREQUENCY_ABLATION = "radiofrequency-ablation"
    STIMULATION_TRIAL = "stimulation-trial"
    IMPLANT = "implant"
    PROVOCATION = "provocation"
    AUGMENTATION = "augmentation"
    DECOMPRESSION = "decompression"
    COOLED_RADIOFREQUENCY_ABLATION = "cooled-radiofrequency-ablation"
    PULSED_RADIOFREQUENCY = "pulsed-radiofrequency"
    ELECTROTHERMAL_THERAPY = "electrothermal-therapy"
    ENDOSCOPY = "endoscopy"
    ADHESIOLYSIS = "adhesiolysis"
    REFILL = "refill"
    REVISION = "revision"


class Approach(ParsableEnum):
    """The route of the needle to the target.

    Examples
    --------
    >>> Approach.parse("TRANSFORAMINAL")
    <Approach.TRANSFORAMINAL: 'transforaminal'>
    """

    TRANSFORAMINAL = "transforaminal"
    INTERLAMINAR = "interlaminar"
    CAUDAL = "caudal"
    POSTERIOR = "posterior"
    POSTEROLATERAL = "posterolateral"
    ANTERIOR = "anterior"
    ANTEROLATERAL = "anterolateral"
    LATERAL = "lateral"
    TRANSPEDICULAR = "transpedicular"
    TRANSSACROCOCCYGEAL = "transsacrococcygeal"
    INFRAZYGOMATIC = "infrazygomatic"
    INTRA_ARTICULAR = "intra-articular"
    PERINEURAL = "perineural"
    INTRAMUSCULAR = "intramuscular"
    SUBCUTANEOUS = "subcutaneous"
    INTRAVENOUS = "intravenous"


def parse_level(text: Level | str, *, field: str = "levels") -> Level:
    """Read a segment (``"L4-L5"``) or a vertebral level (``"S1"``).

    Examples
    --------
    >>> parse_level("l5-s1"), parse_level("S1")
    (Segment.parse('L5-S1'), VertebralLevel.parse('S1'))
    >>> parse_level("L4-L6")
    Traceback (most recent call last):
    ...
    interventional.errors.ValidationError: levels: L6 does not exist; lumbar levels are L1-L5; did you mean 'L5'?
    """
    if isinstance(text, Segment | VertebralLevel):
        return text
    if not isinstance(text, str):
        raise ValidationError(field, f"expected a level such as 'L4-L5' or 'S1', got {text!r}")
    try:
        if re.search(r"[-/–]", text.strip()):
            return Segment.parse(text)
        return VertebralLevel.parse(text)
    except ValidationError as error:
        raise ValidationError(field, error.reason, error.suggestions) from None


def _to_levels(values: Iterable[Level | str]) -> tuple[Level, ...]:
    if isinstance(values, str):
        values = [values]
    return tuple(parse_level(value) for value in values)


def _str_tuple(values: object, field: str) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list | tuple | frozenset | set):
        raise ValidationError(field, f"expected a list of text, got {values!r}")
    out: list[str] = []
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(field, f"each entry must be non-empty text, got {value!r}")
        out.append(value)
    return tuple(out)


def _kinds(values: object) -> tuple[str, ...]:
    kinds = _str_tuple(values, "kinds")
    for kind in kinds:
        _check_kind(kind, "kinds")
    return kinds


def _structures_at_risk(values: object) -> tuple[str, ...]:
    return _str_tuple(values, "structures_at_risk")


def _complications(values: object) -> tuple[str, ...]:
    return _str_tuple(values, "complications")


def _enum_items(values: object, enum: type[ParsableEnum], field: str) -> list[Any]:
    if isinstance(values, str | enum):
        values = [values]
    if not isinstance(values, list | tuple | frozenset | set):
        raise ValidationError(field, f"expected a list of {enum.__name__} values, got {values!r}")
    return list(values)


def _category(value: object) -> ProcedureCategory:
    return ProcedureCategory.parse(value, field="category")  # type: ignore[arg-type]


def _technique(value: object) -> Technique:
    return Technique.parse(value, field="technique")  # type: ignore[arg-type]


def _approach(value: object) -> Approach:
    return Approach.parse(value, field="approach")  # type: ignore[arg-type]


def _usual_modality(value: object) -> Modality:
    return Modality.parse(value, field="usual_modality")  # type: ignore[arg-type]


def _bleeding_risk(value: object) -> BleedingRisk:
    return BleedingRisk.parse(value, field="bleeding_risk")  # type: ignore[arg-type]


def _modalities(values: object) -> frozenset[Modality]:
    return frozenset(
        Modality.parse(value, field="modalities")
        for value in _enum_items(values, Modality, "modalities")
    )


def _regions(values: object) -> frozenset[Region]:
    return frozenset(
        Region.parse(value, field="regions") for value in _enum_items(values, Region, "regions")
    )


def _volume_range(value: object) -> QuantityRange | None:
    if value is None:
        return None
    return QuantityRange.parse(value, like="mL", field="volume")


def _amount_range(value: object) -> QuantityRange | None:
    if value is None:
        return None
    return QuantityRange.parse(value, like="mg", field="amount")


@attrs.frozen(slots=True)
class Injectate:
    """A drug typically injected in a procedure, with its usual volume or amount.

    Only figures that a cited source gives are recorded; where the sources give none the
    range is left out (``None``).

    Parameters
    ----------
    drug : str
        The generic drug id of :mod:`interventional.pharmacology` (e.g. ``"dexamethasone"``).
    volume : QuantityRange, optional
        The usual volume per injection (per level or per target).
    amount : QuantityRange, optional
        The usual amount (mass) per injection.
    per : str
        What one volume or amount is for: ``"injection"``, ``"target"`` or ``"level"``.
    note : str
        A short remark (e.g. ``"nonparticulate first line"``).
    references : tuple of Reference
        Where the figures come from.

    Examples
    --------
    >>> contrast = Injectate("iohexol", volume="1.5-3 mL", references=["EFIC-CONTRAST"])
    >>> str(contrast.volume), contrast.amount is None
    ('1.5-3 mL', True)
    """

    drug: str = attrs.field()
    volume: QuantityRange | None = attrs.field(default=None, kw_only=True, converter=_volume_range)
    amount: QuantityRange | None = attrs.field(default=None, kw_only=True, converter=_amount_range)
    per: str = attrs.field(default="injection", kw_only=True)
    note: str = attrs.field(default="", kw_only=True)
    references: tuple[Reference, ...] = attrs.field(
        default=(), kw_only=True, converter=to_references
    )

    @drug.validator
    def _check_drug(self, _: attrs.Attribute[str], value: str) -> None:
        if not isinstance(value, str) or not _KEBAB.match(value):
            raise ValidationError("drug", f"a generic drug id such as 'lidocaine', got {value!r}")

    @per.validator
    def _check_per(self, _: attrs.Attribute[str], value: str) -> None:
        if value not in ("injection", "target", "level"):
            raise ValidationError(
                "per",
                f"expected 'injection', 'target' or 'level', got {value!r}",
                ("injection", "target", "level"),
            )

    def __str__(self) -> str:
        parts = [self.drug]
        if self.amount is not None:
            parts.append(str(self.amount))
        if self.volume is not None:
            parts.append(str(self.volume))
        text = " ".join(parts)
        return f"{text} per {self.per}" if len(parts) > 1 else text


def _check_anchor(instance: TargetRule, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value:
        raise ValidationError("anchor", f"expected a structure id template, got {value!r}")
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    except ValueError as error:
        raise ValidationError("anchor", f"bad template {value!r}: {error}") from None
    unknown = names - PLACEHOLDERS
    if unknown:
        raise ValidationError(
            "anchor",
            f"unknown placeholder(s) {sorted(unknown)} in {value!r}; "
            f"use {', '.join('{' + p + '}' for p in sorted(PLACEHOLDERS))}",
        )
    if not value.startswith("{"):
        _check_kind(value.split(":", 1)[0], "anchor")


def _check_kind(kind: str, field: str) -> StructureKind:
    values = [member.value for member in StructureKind]
    if kind not in values:
        raise ValidationError(
            field, f"{kind!r} is not a structure kind of the atlas", suggest(kind, values)
        )
    return StructureKind(kind)


def _relation(value: object) -> Relation | None:
    if value is None:
        return None
    return Relation.parse(value, field="relation")  # type: ignore[arg-type]


@attrs.frozen(slots=True)
class TargetRule:
    """How a plan's levels and side become target structures of the atlas.

    Parameters
    ----------
    anchor : str
        A structure id template, e.g. ``"facet-joint:{segment}:{side}"``.
    relation : str, optional
        A relation of the atlas graph (a :class:`~interventional.anatomy.Relation` value such
        as ``"innervates"``). Without it the anchor itself is the target.
    direction : str
        ``"in"`` follows edges that point at the anchor (``X innervates anchor``), ``"out"``
        edges that leave it.
    kinds : tuple of str
        Keep only neighbours of these structure kinds (all kinds when empty).

    Examples
    --------
    >>> TargetRule("stellate-ganglion:{side}").relation is None
    True
    """

    anchor: str = attrs.field(validator=_check_anchor)
    relation: Relation | None = attrs.field(default=None, kw_only=True, converter=_relation)
    direction: str = attrs.field(default="in", kw_only=True)
    kinds: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=_kinds)

    @direction.validator
    def _check_direction(self, _: attrs.Attribute[str], value: str) -> None:
        if value not in ("in", "out"):
            raise ValidationError(
                "direction", f"expected 'in' or 'out', got {value!r}", ("in", "out")
            )

    @property
    def placeholders(self) -> frozenset[str]:
        """The placeholders the anchor uses."""
        return frozenset(name for _, name, _, _ in string.Formatter().parse(self.anchor) if name)

    @property
    def needs_level(self) -> bool:
        """Whether the rule needs a plan level to resolve."""
        return bool(self.placeholders - {"side", "target"})

    @property
    def needs_target(self) -> bool:
        """Whether the plan must choose the target (``{target}``, e.g. which muscle)."""
        return "target" in self.placeholders

    @property
    def anchor_kind(self) -> str:
        """The structure kind of the anchor (its id prefix; a placeholder for ``{target}``)."""
        return self.anchor.split(":", 1)[0]

    @property
    def target_kinds(self) -> frozenset[StructureKind]:
        """The structure kinds this rule can produce."""
        if self.relation is None and not self.kinds:
            return frozenset({_check_kind(self.anchor_kind, "anchor")})
        return frozenset(_check_kind(kind, "kinds") for kind in self.kinds)


def _check_id(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _KEBAB.match(value):
        raise ValidationError(
            attribute.name, f"an id is lower-case words joined by '-', got {value!r}"
        )


def _check_text(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(attribute.name, f"must be non-empty text, got {value!r}")


def _to_aliases(values: object) -> tuple[str, ...]:
    aliases = _str_tuple(values, "aliases")
    for alias in aliases:
        if not _KEBAB.match(alias):
            raise ValidationError(
                "aliases", f"an alias is lower-case words joined by '-', got {alias!r}"
            )
    return tuple(aliases)


def _to_rules(values: object) -> tuple[TargetRule, ...]:
    if not isinstance(values, list | tuple):
        raise ValidationError("targets", f"expected a list of target rules, got {values!r}")
    out = []
    for value in values:
        if isinstance(value, TargetRule):
            out.append(value)
        elif isinstance(value, str):
            out.append(TargetRule(value))
        else:
            raise ValidationError("targets", f"expected a target rule, got {value!r}")
    return tuple(out)


def _to_injectates(values: object) -> tuple[Injectate, ...]:
    if not isinstance(values, list | tuple):
        raise ValidationError("injectates", f"expected a list of injectates, got {values!r}")
    for value in values:
        if not isinstance(value, Injectate):
            raise ValidationError("injectates", f"expected an Injectate, got {value!r}")
    return tuple(values)


def _to_views(values: object) -> tuple[Any, ...]:
    if not isinstance(values, list | tuple):
        raise ValidationError("views", f"expected a list of fluoroscopic views, got {values!r}")
    if not values:
        return ()
    from interventional.imaging.fluoroscopy import FluoroscopyView, standard_view, standard_views

    out = []
    for value in values:
        if isinstance(value, str):
            value = standard_view(value)
        elif isinstance(value, Mapping):
            fields = dict(value)
            view_id = fields.get("id")
            if not isinstance(view_id, str):
                raise ValidationError("views", f"a view needs an 'id', got {value!r}")
            if view_id in standard_views():
                value = attrs.evolve(standard_view(view_id), **fields)
            else:
                value = FluoroscopyView(**fields)
        if not isinstance(value, FluoroscopyView):
            raise ValidationError(
                "views", f"expected a FluoroscopyView or a view id, got {value!r}"
            )
        out.append(value)
    return tuple(out)


def _to_needle(value: object) -> Any:
    from interventional.imaging.needles import Needle

    if value is None or isinstance(value, Needle):
        return value
    if isinstance(value, Mapping):
        return Needle(**value)
    raise ValidationError("needle", f"expected a Needle or a table of its fields, got {value!r}")


def _risk_basis(value: object) -> RiskBasis | None:
    if value is None or isinstance(value, RiskBasis):
        return value
    if isinstance(value, Mapping):
        return RiskBasis(**value)
    raise ValidationError(
        "bleeding_risk_basis", f"expected a RiskBasis or a table of its fields, got {value!r}"
    )


def _typical_duration(value: object) -> timedelta | None:
    return as_positive_timedelta(value, field="typical_duration")


def _optional_positive_int(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError("max_levels", f"expected a whole number of at least 1, got {value!r}")
    return value


def _check_codes(_: object, __: object, value: Codes) -> None:
    extra = [system.value for system in value.systems if system is not CodeSystem.SNOMED]
    if extra:
        raise ValidationError("codes", f"a procedure carries SNOMED CT codes only, got {extra}")


@attrs.frozen(slots=True, repr=False, cache_hash=True)
class Procedure:
    """One interventional pain procedure of the catalogue.

    Parameters
    ----------
    id : str
        The stable kebab-case id, e.g. ``"lumbar-medial-branch-block"``.
    name : str
        The display name.
    aliases : tuple of str
        Common abbreviations and other names (``"lumbar-mbb"``), unique in a catalogue.
    category : ProcedureCategory
    technique : Technique
    approach : Approach
    regions : frozenset of Region
        The spinal regions the procedure is done in (empty for limbs and the head).
    levels : tuple of Segment or VertebralLevel
        The levels a plan may name, all segments or all vertebral levels (empty when the
        procedure is not planned by level).
    target_rules : tuple of TargetRule
        How a plan's levels and side become atlas structures.
    modalities : frozenset of Modality
        The guidance modalities that may be used.
    usual_modality : Modality
        The one used unless a plan says otherwise.
    bleeding_risk : BleedingRisk
        The ASRA 2018 class.
    neuraxial : bool
        Whether the needle enters or approaches the neuraxis (epidural space, foramen, disc).
    lateralized : bool
        Whether a plan must say left, right or bilateral.
    bilateral : bool
        Whether both sides may be done in one plan (only for lateralized procedures).
    views : tuple of FluoroscopyView
        The fluoroscopic views used, where fluoroscopy is allowed.
    needle : Needle, optional
        The usual needle (or RF cannula with its active tip).
    injectates : tuple of Injectate
        Typical injectates with their sourced volume or amount ranges.
    structures_at_risk : tuple of str
        Atlas ids (``{side}`` allowed) of structures the needle endangers.
    complications : tuple of str
        The main complications, in words.
    max_levels : int, optional
        The most levels one plan may name.
    description : str
        One or two sentences on what is done.
    references : tuple of Reference
        The sources of the record.
    bleeding_risk_basis : RiskBasis, optional
        Where ``bleeding_risk`` comes from: the row of the ASRA 2018 table, or the reasoning
        when the table does not name the procedure (every built-in record has one).
    typical_duration : datetime.timedelta, optional
        How long the procedure typically takes, only where a cited source states it
        (``None`` otherwise: the library never guesses one).
    typical_duration_references : tuple of Reference
        The sources of ``typical_duration`` (required when it is given).
    typical_duration_note : str
        What the source says, where the value is read from a range (the upper bound is
        recorded, so that a restart counted from the end is not too early).
    codes : Codes or mapping, optional
        The procedure's standard codes with their sources (``[procedure.codes]`` in the data
        files): ``snomed``, the SNOMED CT procedure concept that names it, only where one
        was verified (empty otherwise; see :meth:`Catalog.by_code
        <interventional.procedures.Catalog.by_code>`).

    Examples
    --------
    >>> from interventional.procedures import default_catalog
    >>> mbb = default_catalog()["lumbar-mbb"]
    >>> mbb.id, mbb.bleeding_risk, mbb.lateralized
    ('lumbar-medial-branch-block', <BleedingRisk.LOW: 'low'>, True)
    >>> sorted(kind.value for kind in mbb.target_kinds)
    ['dorsal-ramus', 'medial-branch']
    >>> print(mbb.bleeding_risk_basis)
    ASRA 2018: Thoracic and lumbar facet MBNB and RFA
    """

    id: str = attrs.field(validator=_check_id)
    name: str = attrs.field(validator=_check_text)
    category: ProcedureCategory = attrs.field(converter=_category)
    technique: Technique = attrs.field(converter=_technique)
    approach: Approach = attrs.field(converter=_approach)
    modalities: frozenset[Modality] = attrs.field(converter=_modalities)
    usual_modality: Modality = attrs.field(converter=_usual_modality)
    bleeding_risk: BleedingRisk = attrs.field(converter=_bleeding_risk)
    neuraxial: bool = attrs.field()
    lateralized: bool = attrs.field()
    target_rules: tuple[TargetRule, ...] = attrs.field(converter=_to_rules)
    references: tuple[Reference, ...] = attrs.field(converter=to_references)
    aliases: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=_to_aliases)
    regions: frozenset[Region] = attrs.field(default=frozenset(), kw_only=True, converter=_regions)
    levels: tuple[Segment | VertebralLevel, ...] = attrs.field(
        default=(), kw_only=True, converter=_to_levels
    )
    bilateral: bool = attrs.field(default=True, kw_only=True)
    views: tuple[Any, ...] = attrs.field(default=(), kw_only=True, converter=_to_views)
    needle: Any = attrs.field(default=None, kw_only=True, converter=_to_needle)
    injectates: tuple[Injectate, ...] = attrs.field(
        default=(), kw_only=True, converter=_to_injectates
    )
    structures_at_risk: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, converter=_structures_at_risk
    )
    complications: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=_complications)
    max_levels: int | None = attrs.field(
        default=None, kw_only=True, converter=_optional_positive_int
    )
    description: str = attrs.field(default="", kw_only=True)
    bleeding_risk_basis: RiskBasis | None = attrs.field(
        default=None, kw_only=True, converter=_risk_basis
    )
    typical_duration: timedelta | None = attrs.field(
        default=None, kw_only=True, converter=_typical_duration
    )
    typical_duration_references: tuple[Reference, ...] = attrs.field(
        default=(), kw_only=True, converter=to_references
    )
    typical_duration_note: str = attrs.field(default="", kw_only=True)
    codes: Codes = attrs.field(
        default=NO_CODES, converter=to_codes, validator=_check_codes, kw_only=True, repr=False
    )

    def __attrs_post_init__(self) -> None:
        _validate_procedure(self)

    @property
    def target_kinds(self) -> frozenset[StructureKind]:
        """The structure kinds (atlas id prefixes) the procedure targets."""
        kinds: set[StructureKind] = set()
        for rule in self.target_rules:
            kinds |= rule.target_kinds
        return frozenset(kinds)

    @property
    def level_kind(self) -> type[Segment] | type[VertebralLevel] | None:
        """``Segment`` or ``VertebralLevel``: what a plan's levels are; ``None`` without levels."""
        if not self.levels:
            return None
        return type(self.levels[0])

    @property
    def needs_target(self) -> bool:
        """Whether a plan must choose its target (``plan(..., target="trapezius")``)."""
        return any(rule.needs_target for rule in self.target_rules)

    @property
    def needs_levels(self) -> bool:
        """Whether a plan must name at least one level (some target rule depends on it)."""
        return any(rule.needs_level for rule in self.target_rules)

    def __repr__(self) -> str:
        return f"<Procedure {self.id!r}: {self.name}>"

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"

    def _repr_html_(self) -> str:
        from interventional.procedures._html import procedure_html

        return procedure_html(self)


def _validate_procedure(p: Procedure) -> None:
    if p.usual_modality not in p.modalities:
        raise ValidationError(
            "usual_modality",
            f"{p.usual_modality.value!r} is not among the modalities "
            f"{sorted(m.value for m in p.modalities)}",
            sorted(m.value for m in p.modalities),
        )
    if not p.target_rules:
        raise ValidationError("targets", "a procedure needs at least one target rule")
    kinds = {type(level) for level in p.levels}
    if len(kinds) > 1:
        raise ValidationError(
            "levels", "levels must be all segments ('L4-L5') or all vertebral levels ('S1')"
        )
    if len(set(p.levels)) != len(p.levels):
        raise ValidationError("levels", "a level is listed twice")
    for level in p.levels:
        if level.region not in p.regions:
            raise ValidationError(
                "levels",
                f"{level} is in the {level.region.value} region, which is not among the "
                f"regions {sorted(r.value for r in p.regions)}",
            )
    for rule in p.target_rules:
        if rule.needs_level and not p.levels:
            raise ValidationError(
                "targets",
                f"the rule {rule.anchor!r} needs a level, but the procedure has no levels",
            )
        uses_segment = rule.placeholders & SEGMENT_PLACEHOLDERS
        if uses_segment and p.level_kind is VertebralLevel:
            raise ValidationError(
                "targets",
                f"the rule {rule.anchor!r} uses {{{min(uses_segment)}}} but the levels are vertebrae",
            )
        if "level" in rule.placeholders and p.level_kind is Segment:
            raise ValidationError(
                "targets", f"the rule {rule.anchor!r} uses {{level}} but the levels are segments"
            )
        if p.lateralized and "side" not in rule.placeholders and rule.relation is None:
            raise ValidationError(
                "targets", f"{p.id} is lateralized but the rule {rule.anchor!r} has no {{side}}"
            )
        if not p.lateralized and "side" in rule.placeholders:
            raise ValidationError(
                "targets", f"{p.id} is not lateralized but the rule {rule.anchor!r} uses {{side}}"
            )
    if not p.lateralized and not p.bilateral:
        raise ValidationError(
            "bilateral", "only a lateralized procedure can forbid bilateral plans"
        )
    if p.views and Modality.FLUOROSCOPY not in p.modalities:
        raise ValidationError("views", "fluoroscopic views given but fluoroscopy is not allowed")
    if p.max_levels is not None and not p.levels:
        raise ValidationError("max_levels", "given, but the procedure is not planned by level")
    if p.id in p.aliases:
        raise ValidationError("aliases", f"the id {p.id!r} is listed as its own alias")
    if len(set(p.aliases)) != len(p.aliases):
        raise ValidationError("aliases", "an alias is listed twice")
    if p.typical_duration is not None and not p.typical_duration_references:
        raise ValidationError(
            "typical_duration_references", "a typical duration must cite the source that states it"
        )
    if p.typical_duration is None and (p.typical_duration_references or p.typical_duration_note):
        raise ValidationError(
            "typical_duration", "references or a note are given but no typical duration"
        )
    if p.needle is not None:
        from interventional.imaging.needles import Needle

        if not isinstance(p.needle, Needle):
            raise ValidationError("needle", f"expected a Needle, got {p.needle!r}")
