"""The procedure catalogue: :class:`Catalog` and :func:`default_catalog`.

The built-in catalogue is data: every ``procedures/data/*.toml`` file holds ``[[procedure]]``
records, loaded through the library's one loader. Users write their own files with the same
schema, load them with :meth:`Catalog.from_file` and lay them over the default with
:meth:`Catalog.merged_with` (their records replace the default's by id).

Examples
--------
>>> from interventional.procedures import default_catalog
>>> catalog = default_catalog()
>>> catalog["SGB"] is catalog["stellate-ganglion-block"]
True
>>> catalog["lumbar-mbb"].name
'Lumbar medial branch block'
>>> catalog["stelate-ganglion-block"]
Traceback (most recent call last):
...
interventional.errors.UnknownProcedureError: unknown procedure 'stelate-ganglion-block'; did you mean 'stellate-ganglion-block', ...?
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any

from interventional._data import DataSource, load_records, loads_records, unstructure
from interventional.codes import CodeSystem, DuplicateCodeError, find_code, index_codes
from interventional.errors import CatalogError, UnknownProcedureError, suggest
from interventional.imaging.modality import Modality
from interventional.procedures.model import Procedure, ProcedureCategory

__all__ = ["Catalog", "default_catalog"]

_TABLE = "procedure"


def _fold(text: str) -> str:
    return re.sub(r"[\s_\-]+", "-", text.strip().casefold())


class Catalog(Mapping[str, Procedure]):
    """An immutable mapping from procedure id to :class:`Procedure`.

    Look-ups accept the id, any alias, in any case (``catalog["SGB"]``); iteration gives
    the ids in catalogue order. Ids and aliases must be unique across the catalogue.

    Parameters
    ----------
    procedures : iterable of Procedure
    source : str, optional
        Where the procedures came from, named in errors.

    Raises
    ------
    CatalogError
        When two procedures share an id, or an alias is used twice (or is another's id).

    Examples
    --------
    >>> from interventional.procedures import default_catalog
    >>> catalog = default_catalog()
    >>> [p.id for p in catalog.search("stellate")]
    ['stellate-ganglion-block']
    >>> "mbb" in catalog, "MBB" in catalog
    (True, True)
    """

    __slots__ = ("_by_code", "_by_id", "_index", "_source")

    def __init__(self, procedures: Iterable[Procedure] = (), *, source: str = "<catalog>") -> None:
        by_id: dict[str, Procedure] = {}
        index: dict[str, str] = {}
        owner: dict[str, str] = {}
        for procedure in procedures:
            if not isinstance(procedure, Procedure):
                raise CatalogError(source, None, None, f"expected a Procedure, got {procedure!r}")
            record = f"{_TABLE} {procedure.id!r}"
            if procedure.id in by_id:
                raise CatalogError(source, record, "id", f"duplicate id {procedure.id!r}")
            by_id[procedure.id] = procedure
            for name, field in [(procedure.id, "id")] + [(a, "aliases") for a in procedure.aliases]:
                key = _fold(name)
                if key in owner and owner[key] != procedure.id:
                    raise CatalogError(
                        source,
                        record,
                        field,
                        f"{name!r} is already used by procedure {owner[key]!r}; "
                        "ids and aliases must be unique",
                    )
                owner[key] = procedure.id
                index[key] = procedure.id
        try:
            by_code = index_codes((p.id, p.codes) for p in by_id.values())
        except DuplicateCodeError as error:
            raise CatalogError(
                source, f"{_TABLE} {error.record!r}", error.field, error.reason
            ) from None
        self._by_id: Mapping[str, Procedure] = MappingProxyType(by_id)
        self._index: Mapping[str, str] = MappingProxyType(index)
        self._by_code: Mapping[tuple[CodeSystem, str], str] = MappingProxyType(dict(by_code))
        self._source = source

    # --- Mapping -------------------------------------------------------------------------
    def __getitem__(self, key: str) -> Procedure:
        if isinstance(key, str):
            found = self._by_id.get(key)
            if found is not None:
                return found
            ident = self._index.get(_fold(key))
            if ident is not None:
                return self._by_id[ident]
        names = [*self._by_id, *(a for p in self._by_id.values() for a in p.aliases)]
        raise UnknownProcedureError(str(key), suggest(str(key), names))

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (key in self._by_id or _fold(key) in self._index)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Catalog):
            return NotImplemented
        return list(self._by_id.items()) == list(other._by_id.items())

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (tuple(self._by_id.values()), self._source))

    def __repr__(self) -> str:
        return f"<Catalog of {len(self)} procedures>"

    # --- queries -------------------------------------------------------------------------
    def by_code(self, system: CodeSystem | str, code: str) -> Procedure:
        """The procedure that a standard code names.

        Parameters
        ----------
        system : CodeSystem or str
            ``"snomed"`` (or the member, or its FHIR system URI ``http://snomed.info/sct``).
        code : str
            A SNOMED CT procedure concept id. Few procedures of the catalogue have one that
            could be verified (the others carry no code), so most look-ups fail.

        Returns
        -------
        Procedure

        Raises
        ------
        UnknownProcedureError
            When no procedure carries the code, saying why where it can (a malformed code,
            or a code of another system).
        ValidationError
            When ``system`` is not a known code system.

        References
        ----------
        SNOMED-CT

        Examples
        --------
        >>> from interventional.procedures import default_catalog
        >>> default_catalog().by_code("snomed", "47400005").id
        'trigeminal-radiofrequency-rhizotomy'
        >>> default_catalog().by_code("http://snomed.info/sct", "789172006").id
        'erector-spinae-plane-block'
        >>> default_catalog().by_code("snomed", "47400006")
        Traceback (most recent call last):
        ...
        interventional.errors.UnknownProcedureError: no procedure has the SNOMED CT code '47400006' ('47400006' fails the SCTID's Verhoeff check digit)
        """
        wanted = CodeSystem.parse(system, field="system")
        name, why = find_code(self._by_code, wanted, code)
        if name is None:
            raise UnknownProcedureError.for_code(wanted.title, code, why)
        return self._by_id[name]

    def search(self, text: str) -> tuple[Procedure, ...]:
        """Procedures whose id, name, aliases, category, technique or description hold every word of ``text``.

        Case-insensitive; an exact id or alias match comes first.

        Examples
        --------
        >>> from interventional.procedures import default_catalog
        >>> [p.id for p in default_catalog().search("lumbar transforaminal")]
        ['lumbar-transforaminal-epidural-injection']
        """
        words = [w for w in re.split(r"[\s_\-]+", text.casefold()) if w]
        exact = self._index.get(_fold(text))
        found: list[Procedure] = []
        for procedure in self._by_id.values():
            haystack = " ".join(
                [
                    procedure.id,
                    procedure.name,
                    *procedure.aliases,
                    procedure.category.value,
                    procedure.technique.value,
                    procedure.approach.value,
                    procedure.description,
                ]
            ).casefold()
            if words and all(word in haystack for word in words):
                found.append(procedure)
        if exact is not None:
            found.sort(key=lambda p: p.id != exact)
        return tuple(found)

    def for_target(self, structure_id: str) -> tuple[Procedure, ...]:
        """Procedures that can target the atlas structure ``structure_id`` in some plan.

        Raises
        ------
        UnknownStructureError
            When the default atlas has no such structure (with suggestions).

        Examples
        --------
        >>> from interventional.procedures import default_catalog
        >>> [p.id for p in default_catalog().for_target("stellate-ganglion:left")]
        ['stellate-ganglion-block']
        """
        from interventional.anatomy.atlas import default_atlas

        structure = default_atlas()[structure_id]
        return tuple(p for p in self._by_id.values() if structure.id in reachable_targets(p))

    def with_modality(self, modality: Modality | str) -> Catalog:
        """The sub-catalogue of procedures that may be done under ``modality``.

        Examples
        --------
        >>> from interventional.procedures import default_catalog
        >>> "lumbar-medial-branch-block" in default_catalog().with_modality("ultrasound")
        False
        """
        wanted = Modality.parse(modality, field="modality")
        return Catalog(
            (p for p in self._by_id.values() if wanted in p.modalities), source=self._source
        )

    # --- files ---------------------------------------------------------------------------
    @classmethod
    def from_file(cls, path: DataSource) -> Catalog:
        """Read a catalogue from a TOML file of ``[[procedure]]`` records.

        Raises
        ------
        CatalogError
            Naming the file, the record and the field of the first problem.
        """
        label = os.fspath(path) if isinstance(path, str | os.PathLike) else str(path)
        return cls(load_records(path, Procedure, table=_TABLE), source=label)

    @classmethod
    def from_toml(cls, text: str, *, source: str = "<string>") -> Catalog:
        """Read a catalogue from TOML text (the form :meth:`to_toml` writes).

        Examples
        --------
        >>> from interventional.procedures import default_catalog
        >>> catalog = default_catalog()
        >>> Catalog.from_toml(catalog.to_toml()) == catalog
        True
        """
        return cls(loads_records(text, Procedure, table=_TABLE, source=source), source=source)

    def to_toml(self) -> str:
        """Write the catalogue as TOML text that :meth:`from_toml` reads back equal."""
        import tomli_w

        records = [_plain(unstructure(procedure)) for procedure in self._by_id.values()]
        for record in records:
            if not record.get("codes"):  # a procedure without standard codes
                record.pop("codes", None)
        return tomli_w.dumps({_TABLE: records})

    def merged_with(self, other: Catalog | Iterable[Procedure]) -> Catalog:
        """A new catalogue: this one with ``other``'s records laid over it by id.

        A record of ``other`` replaces the record with the same id in place; new ids are
        appended in ``other``'s order.

        Raises
        ------
        CatalogError
            When an alias of ``other`` clashes with another procedure's id or alias.
        """
        others = other if isinstance(other, Catalog) else Catalog(other)
        merged = [others._by_id.get(ident, procedure) for ident, procedure in self._by_id.items()]
        merged += [p for ident, p in others._by_id.items() if ident not in self._by_id]
        return Catalog(merged, source=others._source)

    def _repr_html_(self) -> str:
        from interventional.procedures._html import catalog_html

        return catalog_html(self)


def _rebuild(procedures: tuple[Procedure, ...], source: str) -> Catalog:
    return Catalog(procedures, source=source)


def _plain(value: Any) -> Any:
    """Sets become sorted lists (TOML has no sets); everything else stays."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(_plain(item) for item in value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def reachable_targets(procedure: Procedure) -> frozenset[str]:
    """Every atlas id that some single-level, single-side plan of ``procedure`` targets."""
    return _reachable(procedure)


@functools.cache
def _reachable(procedure: Procedure) -> frozenset[str]:
    from interventional.anatomy.atlas import default_atlas
    from interventional.anatomy.levels import Side
    from interventional.errors import PlanError
    from interventional.procedures.targets import resolve_targets

    found: set[str] = set()
    if procedure.needs_target:
        # The plan chooses the target among the atlas structures of the rules' kinds.
        kinds = {kind for rule in procedure.target_rules for kind in rule.kinds}
        lateral = procedure.lateralized
        for structure in default_atlas().values():
            if structure.kind.value in kinds and (not lateral or structure.side.lateral):
                found.add(structure.id)
        return frozenset(found)
    sides: tuple[Side | None, ...] = (Side.LEFT, Side.RIGHT) if procedure.lateralized else (None,)
    levels: tuple[Any, ...] = tuple((level,) for level in procedure.levels) or ((),)
    for level in levels:
        for side in sides:
            try:
                found.update(s.id for s in resolve_targets(procedure, level, side))
            except PlanError:
                continue
    return frozenset(found)


@functools.cache
def default_catalog() -> Catalog:
    """Return the built-in catalogue (every ``procedures/data/*.toml`` file; loaded once).

    Procedures are ordered by category (epidural injections first), then as in the files.

    Examples
    --------
    >>> from interventional.procedures import default_catalog
    >>> default_catalog()["knee-joint-injection"].bleeding_risk
    <BleedingRisk.LOW: 'low'>
    """
    folder = resources.files("interventional.procedures") / "data"
    files = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".toml")),
        key=lambda entry: entry.name,
    )
    procedures: list[Procedure] = []
    for entry in files:
        procedures.extend(load_records(entry, Procedure, table=_TABLE))
    # Catalogue order: by category (the order of ProcedureCategory), then as in the files.
    rank = {category: index for index, category in enumerate(ProcedureCategory)}
    procedures.sort(key=lambda procedure: rank[procedure.category])
    return Catalog(procedures, source="interventional/procedures/data")
