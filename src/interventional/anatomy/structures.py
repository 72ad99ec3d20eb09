"""Structures of the atlas: their kinds, their ids and the :class:`Structure` record.

Every structure has an id of the form ``kind[:qualifier][:side]`` in kebab-case, where
``kind`` is a :class:`StructureKind` value, the qualifier names the level, segment or
variant (``L4-L5``, ``superomedial``, ``lumbar``), and ``side`` is ``left`` or ``right`` for
paired structures. The id alone tells the kind and the side, so the two always agree.

``Structure.level`` is a :class:`~interventional.anatomy.levels.VertebralLevel`, a
:class:`~interventional.anatomy.levels.Segment` or ``None``. A spinal nerve and its branches
take the vertebral level of the same number where one exists; the C8 nerve (there is no C8
vertebra) takes the segment of its foramen, ``C7-T1`` (see :func:`nerve_level`).

Examples
--------
>>> s = Structure("facet-joint:L4-L5:left", "facet-joint", "L4-L5 facet joint, left", level="L4-L5")
>>> s.kind, s.side, str(s.level), s.region, s.qualifier
(<StructureKind.FACET_JOINT: 'facet-joint'>, <Side.LEFT: 'left'>, 'L4-L5', <Region.LUMBAR: 'lumbar'>, 'L4-L5')
>>> s
Structure('facet-joint:L4-L5:left', 'L4-L5 facet joint, left')
>>> str(nerve_level("C8")), str(nerve_level("L4"))
('C7-T1', 'L4')
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable

import attrs

from interventional._enums import ParsableEnum
from interventional.anatomy.levels import (
    Region,
    Segment,
    Side,
    SpinalNerveLevel,
    VertebralLevel,
    foramen_of,
)
from interventional.anatomy.relations import Relation
from interventional.codes import NO_CODES, Codes, to_codes
from interventional.errors import ValidationError
from interventional.references import Reference, to_references

__all__ = [
    "Edge",
    "Structure",
    "StructureKind",
    "nerve_level",
    "side_of_id",
    "to_level_or_segment",
]


class StructureKind(ParsableEnum):
    """The kinds of structure in the atlas; each value is the prefix of its structures' ids."""

    VERTEBRAL_COLUMN = "vertebral-column"
    VERTEBRA = "vertebra"
    SACRUM = "sacrum"
    COCCYX = "coccyx"
    INTERVERTEBRAL_DISC = "intervertebral-disc"
    FACET_JOINT = "facet-joint"
    ATLANTO_OCCIPITAL_JOINT = "atlanto-occipital-joint"
    ATLANTO_AXIAL_JOINT = "atlanto-axial-joint"
    SACROILIAC_JOINT = "sacroiliac-joint"
    SACROCOCCYGEAL_JUNCTION = "sacrococcygeal-junction"
    INTERVERTEBRAL_FORAMEN = "intervertebral-foramen"
    SACRAL_FORAMEN = "sacral-foramen"
    SACRAL_HIATUS = "sacral-hiatus"
    LIGAMENTUM_FLAVUM = "ligamentum-flavum"
    EPIDURAL_SPACE = "epidural-space"
    DURAL_SAC = "dural-sac"
    SUBARACHNOID_SPACE = "subarachnoid-space"
    SPINAL_CORD = "spinal-cord"
    CONUS_MEDULLARIS = "conus-medullaris"
    SPINAL_NERVE = "spinal-nerve"
    DORSAL_ROOT_GANGLION = "dorsal-root-ganglion"
    DORSAL_RAMUS = "dorsal-ramus"
    VENTRAL_RAMUS = "ventral-ramus"
    MEDIAL_BRANCH = "medial-branch"
    LATERAL_BRANCH = "lateral-branch"
    THIRD_OCCIPITAL_NERVE = "third-occipital-nerve"
    GREATER_OCCIPITAL_NERVE = "greater-occipital-nerve"
    LESSER_OCCIPITAL_NERVE = "lesser-occipital-nerve"
    STELLATE_GANGLION = "stellate-ganglion"
    THORACIC_SYMPATHETIC_CHAIN = "thoracic-sympathetic-chain"
    SPLANCHNIC_NERVE = "splanchnic-nerve"
    CELIAC_PLEXUS = "celiac-plexus"
    LUMBAR_SYMPATHETIC_CHAIN = "lumbar-sympathetic-chain"
    SUPERIOR_HYPOGASTRIC_PLEXUS = "superior-hypogastric-plexus"
    GANGLION_IMPAR = "ganglion-impar"
    TRIGEMINAL_GANGLION = "trigeminal-ganglion"
    SPHENOPALATINE_GANGLION = "sphenopalatine-ganglion"
    GENICULAR_NERVE = "genicular-nerve"
    SUPRASCAPULAR_NERVE = "suprascapular-nerve"
    KNEE_JOINT = "knee-joint"
    HIP_JOINT = "hip-joint"
    SHOULDER_JOINT = "shoulder-joint"
    MUSCLE = "muscle"
    VERTEBRAL_ARTERY = "vertebral-artery"
    CAROTID_ARTERY = "carotid-artery"
    RADICULAR_ARTERY = "radicular-artery"
    ARTERY_OF_ADAMKIEWICZ = "artery-of-adamkiewicz"
    AORTA = "aorta"
    INFERIOR_VENA_CAVA = "inferior-vena-cava"
    PLEURA = "pleura"
    KIDNEY = "kidney"
    RECURRENT_LARYNGEAL_NERVE = "recurrent-laryngeal-nerve"
    ESOPHAGUS = "esophagus"
    INTERCOSTAL_NERVE = "intercostal-nerve"
    INTERCOSTAL_ARTERY = "intercostal-artery"
    INTERCOSTAL_VEIN = "intercostal-vein"
    PARAVERTEBRAL_SPACE = "paravertebral-space"
    ERECTOR_SPINAE_PLANE = "erector-spinae-plane"
    BASIVERTEBRAL_NERVE = "basivertebral-nerve"
    PUDENDAL_NERVE = "pudendal-nerve"
    INTERNAL_PUDENDAL_ARTERY = "internal-pudendal-artery"
    ILIOINGUINAL_NERVE = "ilioinguinal-nerve"
    ILIOHYPOGASTRIC_NERVE = "iliohypogastric-nerve"
    LATERAL_FEMORAL_CUTANEOUS_NERVE = "lateral-femoral-cutaneous-nerve"
    FEMORAL_NERVE = "femoral-nerve"
    OBTURATOR_NERVE = "obturator-nerve"
    ACCESSORY_OBTURATOR_NERVE = "accessory-obturator-nerve"
    HIP_ARTICULAR_BRANCH = "hip-articular-branch"
    FEMORAL_ARTERY = "femoral-artery"
    FEMORAL_VEIN = "femoral-vein"
    GLOSSOPHARYNGEAL_NERVE = "glossopharyngeal-nerve"
    VAGUS_NERVE = "vagus-nerve"
    INTERNAL_CAROTID_ARTERY = "internal-carotid-artery"
    INTERNAL_JUGULAR_VEIN = "internal-jugular-vein"
    PERITONEUM = "peritoneum"
    ABDOMINAL_WALL = "abdominal-wall"
    GLUTEAL_REGION = "gluteal-region"
    LIMB = "limb"

    @property
    def category(self) -> str:
        """A coarse group for pictures and summaries.

        One of ``bone``, ``joint``, ``soft-tissue``, ``space``, ``neuraxis``, ``nerve``,
        ``autonomic``, ``vessel`` and ``viscus``.

        Examples
        --------
        >>> StructureKind.MEDIAL_BRANCH.category, StructureKind.AORTA.category
        ('nerve', 'vessel')
        """
        return _CATEGORY[self]

    @property
    def hazard(self) -> bool:
        """Whether a needle near a structure of this kind puts it at risk.

        Vessels, viscera, the neuraxis (cord, conus, dura) and the nerve roots are hazards;
        bones, joints and the small target nerves are not.
        """
        return self.category in _HAZARD_CATEGORIES or self in _HAZARD_KINDS


_CATEGORY_MEMBERS: dict[str, tuple[StructureKind, ...]] = {
    "bone": (
        StructureKind.VERTEBRAL_COLUMN,
        StructureKind.VERTEBRA,
        StructureKind.SACRUM,
        StructureKind.COCCYX,
    ),
    "joint": (
        StructureKind.FACET_JOINT,
        StructureKind.ATLANTO_OCCIPITAL_JOINT,
        StructureKind.ATLANTO_AXIAL_JOINT,
        StructureKind.SACROILIAC_JOINT,
        StructureKind.SACROCOCCYGEAL_JUNCTION,
        StructureKind.KNEE_JOINT,
        StructureKind.HIP_JOINT,
        StructureKind.SHOULDER_JOINT,
        StructureKind.INTERVERTEBRAL_DISC,
    ),
    "soft-tissue": (
        StructureKind.LIGAMENTUM_FLAVUM,
        StructureKind.MUSCLE,
        StructureKind.ABDOMINAL_WALL,
        StructureKind.GLUTEAL_REGION,
        StructureKind.LIMB,
    ),
    "space": (
        StructureKind.INTERVERTEBRAL_FORAMEN,
        StructureKind.SACRAL_FORAMEN,
        StructureKind.SACRAL_HIATUS,
        StructureKind.EPIDURAL_SPACE,
        StructureKind.PARAVERTEBRAL_SPACE,
        StructureKind.ERECTOR_SPINAE_PLANE,
    ),
    "neuraxis": (
        StructureKind.DURAL_SAC,
        StructureKind.SUBARACHNOID_SPACE,
        StructureKind.SPINAL_CORD,
        StructureKind.CONUS_MEDULLARIS,
    ),
    "nerve": (
        StructureKind.SPINAL_NERVE,
        StructureKind.DORSAL_ROOT_GANGLION,
        StructureKind.DORSAL_RAMUS,
        StructureKind.VENTRAL_RAMUS,
        StructureKind.MEDIAL_BRANCH,
        StructureKind.LATERAL_BRANCH,
        StructureKind.THIRD_OCCIPITAL_NERVE,
        StructureKind.GREATER_OCCIPITAL_NERVE,
        StructureKind.LESSER_OCCIPITAL_NERVE,
        StructureKind.GENICULAR_NERVE,
        StructureKind.SUPRASCAPULAR_NERVE,
        StructureKind.RECURRENT_LARYNGEAL_NERVE,
        StructureKind.INTERCOSTAL_NERVE,
        StructureKind.BASIVERTEBRAL_NERVE,
        StructureKind.PUDENDAL_NERVE,
        StructureKind.ILIOINGUINAL_NERVE,
        StructureKind.ILIOHYPOGASTRIC_NERVE,
        StructureKind.LATERAL_FEMORAL_CUTANEOUS_NERVE,
        StructureKind.FEMORAL_NERVE,
        StructureKind.OBTURATOR_NERVE,
        StructureKind.ACCESSORY_OBTURATOR_NERVE,
        StructureKind.HIP_ARTICULAR_BRANCH,
        StructureKind.GLOSSOPHARYNGEAL_NERVE,
        StructureKind.VAGUS_NERVE,
    ),
    "autonomic": (
        StructureKind.STELLATE_GANGLION,
        StructureKind.THORACIC_SYMPATHETIC_CHAIN,
        StructureKind.SPLANCHNIC_NERVE,
        StructureKind.CELIAC_PLEXUS,
        StructureKind.LUMBAR_SYMPATHETIC_CHAIN,
        StructureKind.SUPERIOR_HYPOGASTRIC_PLEXUS,
        StructureKind.GANGLION_IMPAR,
        StructureKind.TRIGEMINAL_GANGLION,
        StructureKind.SPHENOPALATINE_GANGLION,
    ),
    "vessel": (
        StructureKind.VERTEBRAL_ARTERY,
        StructureKind.CAROTID_ARTERY,
        StructureKind.RADICULAR_ARTERY,
        StructureKind.ARTERY_OF_ADAMKIEWICZ,
        StructureKind.AORTA,
        StructureKind.INFERIOR_VENA_CAVA,
        StructureKind.INTERCOSTAL_ARTERY,
        StructureKind.INTERCOSTAL_VEIN,
        StructureKind.INTERNAL_PUDENDAL_ARTERY,
        StructureKind.FEMORAL_ARTERY,
        StructureKind.FEMORAL_VEIN,
        StructureKind.INTERNAL_CAROTID_ARTERY,
        StructureKind.INTERNAL_JUGULAR_VEIN,
    ),
    "viscus": (
        StructureKind.PLEURA,
        StructureKind.KIDNEY,
        StructureKind.ESOPHAGUS,
        StructureKind.PERITONEUM,
    ),
}
_CATEGORY: dict[StructureKind, str] = {
    kind: category for category, kinds in _CATEGORY_MEMBERS.items() for kind in kinds
}
_HAZARD_CATEGORIES = frozenset({"vessel", "viscus", "neuraxis"})
_HAZARD_KINDS = frozenset(
    {
        StructureKind.SPINAL_NERVE,
        StructureKind.DORSAL_ROOT_GANGLION,
        StructureKind.VENTRAL_RAMUS,
        StructureKind.RECURRENT_LARYNGEAL_NERVE,
        StructureKind.FEMORAL_NERVE,
        StructureKind.VAGUS_NERVE,
    }
)

object_new = object.__new__

_ID = re.compile(r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?::[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)*$")
_ID_MATCH = _ID.match
_LATERAL = {"left": Side.LEFT, "right": Side.RIGHT}
_MIDLINE = Side.MIDLINE


def side_of_id(structure_id: str) -> Side:
    """The side that an id names: its last part when that is ``left`` or ``right``.

    Examples
    --------
    >>> side_of_id("facet-joint:L4-L5:left"), side_of_id("celiac-plexus")
    (<Side.LEFT: 'left'>, <Side.MIDLINE: 'midline'>)
    """
    _, colon, last = structure_id.rpartition(":")
    return _LATERAL.get(last, _MIDLINE) if colon else _MIDLINE


def to_level_or_segment(
    value: VertebralLevel | Segment | str | None,
) -> VertebralLevel | Segment | None:
    """Attrs converter: a level (``"L4"``), a segment (``"L4-L5"``) or ``None`` (also ``""``).

    Examples
    --------
    >>> to_level_or_segment("C7-T1"), to_level_or_segment("co1"), to_level_or_segment("")
    (Segment.parse('C7-T1'), VertebralLevel.parse('Co1'), None)
    """
    if value is None or isinstance(value, VertebralLevel | Segment):
        return value
    if not isinstance(value, str):
        raise ValidationError("level", f"expected a level or a segment, got {value!r}")
    return _parse_level(value.strip())


@functools.cache
def _parse_level(text: str) -> VertebralLevel | Segment | None:
    if not text:
        return None
    known = _by_name().get(text)  # most levels are written as they print: nothing to parse
    if known is not None:
        return known
    if "-" in text or "/" in text or "–" in text:  # no regular expression: see _split_segment
        return Segment.parse(text)
    return VertebralLevel.parse(text)


@functools.cache
def _by_name() -> dict[str, VertebralLevel | Segment]:
    """Every level and segment by the name it prints as (``"L4"``, ``"L4-L5"``)."""
    names: dict[str, VertebralLevel | Segment] = {str(each): each for each in Segment.all()}
    names.update((str(each), each) for each in VertebralLevel.all())
    return names


def _to_kind(value: StructureKind | str) -> StructureKind:
    return StructureKind.parse(value, field="kind")


def _to_side(value: Side | str) -> Side:
    return Side.parse(value, field="side")


def _to_relation(value: Relation | str) -> Relation:
    return Relation.parse(value, field="relation")


def nerve_level(nerve: SpinalNerveLevel | str) -> VertebralLevel | Segment:
    """The ``level`` the atlas gives a spinal nerve and its branches.

    The vertebral level of the same number where one exists (``L4`` for the L4 nerve);
    for C8, which has no vertebra of its own, the segment of its foramen, ``C7-T1``.

    Examples
    --------
    >>> nerve_level("C8")
    Segment.parse('C7-T1')
    >>> nerve_level("T1")
    VertebralLevel.parse('T1')
    """
    parsed = SpinalNerveLevel.parse(nerve)
    if parsed.number <= parsed.region.vertebrae:
        return VertebralLevel(parsed.region, parsed.number)
    foramen = foramen_of(parsed)
    if foramen is None:  # pragma: no cover - only C8 lacks a vertebra, and it has a foramen
        raise ValidationError("spinal nerve", f"{parsed} has neither a vertebra nor a foramen")
    return foramen


def _check_form(value: str, kind: StructureKind) -> None:
    """Check that ``value`` is an id of the form ``kind[:qualifier][:side]`` for ``kind``."""
    if not isinstance(value, str) or not value:
        raise ValidationError("id", f"a structure id must be non-empty text, got {value!r}")
    if _ID.match(value) is None:
        raise ValidationError(
            "id", f"{value!r} is not of the form kind[:qualifier][:side] in kebab-case"
        )
    if value.partition(":")[0] != kind.value:
        raise ValidationError("id", f"{value!r} must start with its kind {kind.value!r}")


def _check_id(instance: Structure, _: attrs.Attribute[str], value: str) -> None:
    _check_form(value, instance.kind)
    named = side_of_id(value)
    if named is instance.side:  # the usual case: the side is the one the id names
        return
    if instance.side.lateral:
        raise ValidationError(
            "side",
            f"{value!r} is a {instance.side.value} structure; its id must end in ':{instance.side.value}'",
        )
    if named.lateral:
        raise ValidationError(
            "side", f"{value!r} names the {named.value} side but the side is {instance.side.value}"
        )


@attrs.frozen(slots=True, repr=False)
class Structure:
    """One anatomical structure of the atlas (a node of its graph).

    Parameters
    ----------
    id : str
        ``kind[:qualifier][:side]``, e.g. ``"medial-branch:L3:left"``.
    kind : StructureKind or str
        The kind; must be the first part of the id.
    name : str
        A readable name, e.g. ``"L3 medial branch, left"``.
    level : VertebralLevel, Segment, str or None, optional
        Where the structure sits on the spine (its landmark level), if anywhere.
    side : Side or str, optional
        ``left`` or ``right`` for paired structures (the id must end with it), else
        ``midline``; by default the side the id names.
    references : sequence of Reference or citation keys, optional
        The sources for the structure.
    note : str, optional
        What a student should know: a landmark, a variant, an uncertainty.
    xrefs : Codes or mapping, optional
        The structure's cross-references to the anatomy ontologies (a read-only mapping of
        system key to code: ``"uberon"``, ``"fma"``, ``"snomed"``), with their sources.
        The atlas's own structures take theirs from ``anatomy/data/xrefs.toml``.

    Raises
    ------
    ValidationError
        For an id that does not match its kind or side, an unknown kind or a bad level.

    Examples
    --------
    >>> Structure("vertebra:L6", "vertebra", "L6 vertebra", level="L6")
    Traceback (most recent call last):
    ...
    interventional.errors.ValidationError: level: L6 does not exist; lumbar levels are L1-L5; did you mean 'L5'?
    >>> Structure("facet-joint:L4-L5", "facet-joint", "L4-L5 facet joint, left", side="left")
    Traceback (most recent call last):
    ...
    interventional.errors.ValidationError: side: 'facet-joint:L4-L5' is a left structure; its id must end in ':left'
    """

    id: str = attrs.field(validator=_check_id)
    kind: StructureKind = attrs.field(converter=_to_kind)
    name: str = attrs.field()
    level: VertebralLevel | Segment | None = attrs.field(
        default=None, converter=to_level_or_segment, kw_only=True
    )
    side: Side = attrs.field(
        default=attrs.Factory(lambda self: side_of_id(self.id), takes_self=True),
        converter=_to_side,
        kw_only=True,
    )
    references: tuple[Reference, ...] = attrs.field(
        default=(), converter=to_references, kw_only=True
    )
    note: str | None = attrs.field(default=None, kw_only=True)
    xrefs: Codes = attrs.field(default=NO_CODES, converter=to_codes, kw_only=True)

    @property
    def qualifier(self) -> str | None:
        """The middle part of the id (``"L4-L5"`` in ``facet-joint:L4-L5:left``), if any."""
        parts = self.id.split(":")
        if self.side.lateral:
            parts = parts[:-1]
        return ":".join(parts[1:]) or None

    @property
    def region(self) -> Region | None:
        """The spinal region: that of the level, else the region the qualifier names.

        Examples
        --------
        >>> Structure("epidural-space:lumbar", "epidural-space", "lumbar epidural space").region
        <Region.LUMBAR: 'lumbar'>
        """
        if self.level is not None:
            return self.level.region
        qualifier = self.qualifier
        if qualifier is not None:
            for region in Region:
                if region.value == qualifier:
                    return region
        return None

    @classmethod
    def _trusted(
        cls,
        structure_id: str,
        kind: StructureKind,
        name: str,
        level: VertebralLevel | Segment | None,
        references: tuple[Reference, ...],
        note: str | None,
    ) -> Structure:
        """Make a structure, on the side its id names, from values already of the right types.

        Only the id is checked, as the constructor checks it: the atlas rules make hundreds of
        structures from templates the loader has validated, and the constructor's converters
        would redo that work for each of them.
        """
        # The checks of _check_form, inline (the side is the one the id names: it fits).
        if (
            type(structure_id) is not str
            or _ID_MATCH(structure_id) is None
            or structure_id.partition(":")[0] != kind._value_
        ):
            _check_form(structure_id, kind)  # raises the constructor's error
        _, colon, last = structure_id.rpartition(":")
        structure = object_new(cls)
        (set_id, set_kind, set_name, set_level, set_side, set_references, set_note, set_xrefs) = (
            _STRUCTURE_SLOTS
        )
        set_id(structure, structure_id)
        set_kind(structure, kind)
        set_name(structure, name)
        set_level(structure, level)
        set_side(structure, _LATERAL.get(last, _MIDLINE) if colon else _MIDLINE)
        set_references(structure, references)
        set_note(structure, note)
        set_xrefs(structure, NO_CODES)
        return structure

    def __repr__(self) -> str:
        return f"Structure({self.id!r}, {self.name!r})"

    def __str__(self) -> str:
        return self.name

    def _repr_html_(self) -> str:
        rows = [
            ("id", f"<code>{html.escape(self.id)}</code>"),
            ("kind", html.escape(self.kind.value)),
            ("level", html.escape(str(self.level)) if self.level is not None else "&mdash;"),
            ("side", html.escape(self.side.value)),
        ]
        if self.note:
            rows.append(("note", html.escape(self.note)))
        if self.xrefs:
            codes = ", ".join(html.escape(code) for _, code in self.xrefs.codings())
            rows.append(("xrefs", codes))
        if self.references:
            refs = ", ".join(
                f'<a href="{html.escape(ref.link)}">{html.escape(ref.key)}</a>'
                if ref.link
                else html.escape(ref.key)
                for ref in self.references
            )
            rows.append(("references", refs))
        body = "".join(
            f'<tr><th style="text-align:left;padding-right:1em">{key}</th><td>{value}</td></tr>'
            for key, value in rows
        )
        return (
            f"<div><strong>{html.escape(self.name)}</strong>"
            f'<table style="border-collapse:collapse">{body}</table></div>'
        )


def _keys(references: tuple[Reference, ...]) -> str:
    return repr(tuple(ref.key for ref in references))


@attrs.frozen(slots=True)
class Edge:
    """One relation between two structures, read as ``subject relation object``.

    Parameters
    ----------
    subject, object : str
        Structure ids.
    relation : Relation or str
        How the subject relates to the object.
    references : sequence of Reference or citation keys, optional
        The sources for the relation.
    note : str, optional
        A qualification, e.g. that a contribution is inconstant.

    Examples
    --------
    >>> e = Edge("medial-branch:L3:left", "innervates", "facet-joint:L4-L5:left")
    >>> e.relation, e.reversed().subject
    (<Relation.INNERVATES: 'innervates'>, 'facet-joint:L4-L5:left')
    """

    subject: str = attrs.field()
    relation: Relation = attrs.field(converter=_to_relation)
    object: str = attrs.field()
    references: tuple[Reference, ...] = attrs.field(
        default=(), converter=to_references, kw_only=True, repr=_keys
    )
    note: str | None = attrs.field(default=None, kw_only=True)

    def reversed(self) -> Edge:
        """The same edge read from object to subject (used for symmetric relations)."""
        return Edge._trusted(self.object, self.relation, self.subject, self.references, self.note)

    @classmethod
    def _trusted(
        cls,
        subject: str,
        relation: Relation,
        object: str,
        references: tuple[Reference, ...],
        note: str | None,
    ) -> Edge:
        """Make an edge from values that are already of the right types (no conversion)."""
        edge = object_new(cls)
        set_subject, set_relation, set_object, set_references, set_note = _EDGE_SLOTS
        set_subject(edge, subject)
        set_relation(edge, relation)
        set_object(edge, object)
        set_references(edge, references)
        set_note(edge, note)
        return edge


def _slot_setters(cls: type) -> tuple[Callable[[object, object], None], ...]:
    """The setters of a slotted attrs class's fields, in field order (they bypass frozen)."""
    return tuple(cls.__dict__[field.name].__set__ for field in attrs.fields(cls))


_STRUCTURE_SLOTS = _slot_setters(Structure)
if attrs.fields(Structure)[-1].name != "xrefs":  # pragma: no cover - a guard for editors
    raise AssertionError("the xrefs setter is the last of _STRUCTURE_SLOTS")
_EDGE_SLOTS = _slot_setters(Edge)
