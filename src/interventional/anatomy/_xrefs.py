r"""Cross-references of the atlas: the ``[[xref]]`` records of ``anatomy/data/xrefs.toml``.

A record names one structure by its id, or a family of structures by a pattern of ids in
which ``*`` stands for any text and ``[0-9]`` for one digit, and gives the codes they carry
(a :class:`~interventional.codes.Codes` table: ``uberon``, ``fma``, ``snomed``, with its
references). :func:`apply_xrefs` attaches them to the atlas's structures. A structure
matched by an id and by a pattern takes the id's record; one matched by two patterns, an id
that is no structure and a pattern that matches none are errors naming the file, the record
and the field.

Examples
--------
>>> from interventional._data import loads_records
>>> from interventional.anatomy.structures import Structure
>>> text = '''
... [[xref]]
... structures = "vertebra:*"
... codes = { uberon = "UBERON:0002414", references = ["UBERON"] }
... [[xref]]
... structures = "vertebra:L4"
... codes = { uberon = "UBERON:0004620", fma = "FMA:13075", references = ["UBERON", "FMA"] }
... '''
>>> records = loads_records(text, Xref, table="xref", key="structures")
>>> l3 = Structure("vertebra:L3", "vertebra", "L3 vertebra", level="L3")
>>> l4 = Structure("vertebra:L4", "vertebra", "L4 vertebra", level="L4")
>>> [dict(s.xrefs) for s in apply_xrefs([l3, l4], records)]
[{'uberon': 'UBERON:0002414'}, {'uberon': 'UBERON:0004620', 'fma': 'FMA:13075'}]
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence

import attrs

from interventional.anatomy.structures import Structure
from interventional.codes import Codes, to_codes
from interventional.errors import CatalogError, ValidationError, suggest

__all__ = ["Xref", "apply_xrefs"]

_PATTERN = re.compile(r"[A-Za-z0-9:*\[\]-]+")


def _check_structures(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _PATTERN.fullmatch(value):
        raise ValidationError(
            "structures",
            f"{value!r} is not a structure id or a pattern of ids ('facet-joint:*')",
        )


def _check_codes(_: object, __: attrs.Attribute[Codes], value: Codes) -> None:
    if not value:
        raise ValidationError("codes", "an xref record must give at least one code")


@attrs.frozen(slots=True)
class Xref:
    """One ``[[xref]]`` record: the structures it names and the codes they carry.

    Parameters
    ----------
    structures : str
        A structure id, or a pattern of ids (``*``: any text; ``[0-9]``: one digit).
    codes : Codes or mapping
        The codes, with their ``references`` and an optional ``note``.
    """

    structures: str = attrs.field(validator=_check_structures)
    codes: Codes = attrs.field(converter=to_codes, validator=_check_codes)

    @property
    def is_pattern(self) -> bool:
        """Whether :attr:`structures` is a pattern rather than one id."""
        return "*" in self.structures or "[" in self.structures


def apply_xrefs(
    structures: Sequence[Structure], records: Iterable[Xref], *, file: str = "<data>"
) -> list[Structure]:
    """The structures, in order, each carrying the codes of the record that names it.

    Raises
    ------
    CatalogError
        Naming ``file``, the record and the field ``structures``: an id that is no structure
        (with the nearest ids), a pattern that matches none, or a structure that two
        patterns match.
    """
    ids = [structure.id for structure in structures]
    known = set(ids)
    records = tuple(records)
    exact: dict[str, Xref] = {}
    for record in records:
        if record.is_pattern:
            continue
        if record.structures not in known:
            nearest = suggest(record.structures, ids)
            hint = f"; did you mean {', '.join(map(repr, nearest))}?" if nearest else ""
            raise CatalogError(
                file,
                f"xref {record.structures!r}",
                "structures",
                f"no structure {record.structures!r}{hint}",
            )
        exact[record.structures] = record
    by_pattern: dict[str, Xref] = {}
    for record in records:
        if not record.is_pattern:
            continue
        matched = fnmatch.filter(ids, record.structures)
        if not matched:
            raise CatalogError(
                file,
                f"xref {record.structures!r}",
                "structures",
                f"the pattern {record.structures!r} matches no structure",
            )
        for structure_id in matched:
            first = by_pattern.setdefault(structure_id, record)
            if first is not record and structure_id not in exact:
                raise CatalogError(
                    file,
                    f"xref {record.structures!r}",
                    "structures",
                    f"{structure_id!r} is matched by this pattern and by "
                    f"{first.structures!r}; give it a record of its own",
                )
    out: list[Structure] = []
    for structure in structures:
        chosen = exact.get(structure.id) or by_pattern.get(structure.id)
        out.append(structure if chosen is None else structure._with_xrefs(chosen.codes))
    return out
