r"""Cross-references of the atlas: the ``[[xref]]`` records of ``anatomy/data/xrefs.toml``.

A record names one structure by its id, or a family of structures by a pattern of ids in
which ``*`` stands for any text and ``[0-9]`` for one digit, and gives the codes they carry
(a :class:`~interventional.codes.Codes` table: ``uberon``, ``fma``, ``snomed``, with its
references). :func:`apply_xrefs` attaches them to the atlas's structures while the atlas is
being built. A structure
matched by an id and by a pattern takes the id's record; one matched by two patterns, an id
that is no structure and a pattern that matches none are errors naming the file, the record
and the field.

Examples
--------
>>> from interventional._data import loads_records
>>> from interventional.anatomy.structures import _STRUCTURE_SLOTS, Structure
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

import re
from collections.abc import Iterable, Sequence

import attrs

from interventional.anatomy.structures import _STRUCTURE_SLOTS, Structure
from interventional.codes import Codes, to_codes
from interventional.errors import CatalogError, ValidationError, suggest

__all__ = ["Xref", "apply_xrefs"]

_SET_XREFS = _STRUCTURE_SLOTS[-1]

_PATTERN = re.compile(r"[A-Za-z0-9:*\[\]-]+")


def _check_structures(_: object, __: attrs.Attribute[str], value: str) -> None:
    if (
        not isinstance(value, str)
        or not _PATTERN.fullmatch(value)
        or "[" in value.replace("[0-9]", "")
        or "]" in value.replace("[0-9]", "")
    ):
        raise ValidationError(
            "structures",
            f"{value!r} is not a structure id or a pattern of ids ('facet-joint:*'; "
            "'*' stands for any text, '[0-9]' for one digit)",
        )


def _matches(pattern: str, text: str) -> bool:
    """Whether ``text`` matches ``pattern`` (``*``: any text; ``#``: one digit).

    The patterns are short and few, so a plain backtracking match is quicker than compiling
    a regular expression for each (which would cost more than the rest of the atlas build).

    Examples
    --------
    >>> _matches("spinal-nerve:C#:*", "spinal-nerve:C8:left"), _matches("spinal-nerve:C#:*", "spinal-nerve:Co1:left")
    (True, False)
    """
    p = t = 0
    star = mark = -1
    while t < len(text):
        if p < len(pattern) and (
            pattern[p] == text[t] or (pattern[p] == "#" and text[t].isdigit())
        ):
            p += 1
            t += 1
        elif p < len(pattern) and pattern[p] == "*":
            star, mark = p, t
            p += 1
        elif star >= 0:
            p, mark = star + 1, mark + 1
            t = mark
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


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

    The codes are set on the structures themselves, as :meth:`Structure._trusted` sets its
    fields: this is for structures under construction, which no atlas holds yet (the build
    of the default atlas). Making a copy of each instead would double the structures the
    build allocates, and the extra garbage makes the first build pay for a full garbage
    collection (measured: about 20 ms more).

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
    by_kind: dict[str, list[str]] = {}
    for structure_id in ids:
        by_kind.setdefault(structure_id.partition(":")[0], []).append(structure_id)
    by_pattern: dict[str, Xref] = {}
    for record in records:
        if not record.is_pattern:
            continue
        pattern = record.structures.replace("[0-9]", "#")
        kind = pattern.partition(":")[0]
        pool = ids if "*" in kind or "#" in kind else by_kind.get(kind, [])
        head = pattern[:-1]
        if pattern.endswith("*") and "*" not in head and "#" not in head:  # most patterns
            matched = [structure_id for structure_id in pool if structure_id.startswith(head)]
        else:
            matched = [i for i in pool if _matches(pattern, i)]
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
        if chosen is not None:
            _SET_XREFS(structure, chosen.codes)
        out.append(structure)
    return out
