"""Citations: the :class:`Reference` type and the library's bibliography.

Every fact in the library's data files cites at least one source by key. The keys are the
source tags of the domain fact sheets (``"N2018"`` is the ASRA 2018 pain-procedure
guideline), and the bibliography itself is data: ``interventional/data/bibliography.toml``.

Examples
--------
>>> from interventional.references import cite
>>> asra = cite("N2018")
>>> asra.year, asra.doi
(2018, '10.1097/AAP.0000000000000700')
>>> cite("N2019")
Traceback (most recent call last):
...
interventional.errors.UnknownReferenceError: unknown reference 'N2019'; did you mean 'N2018', 'N2015', 'R2015'?
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType

import attrs

from interventional.errors import CatalogError, UnknownReferenceError, ValidationError, suggest

__all__ = ["Reference", "bibliography", "cite", "to_references"]


def _non_empty(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(attribute.name, f"must be non-empty text, got {value!r}")


@attrs.frozen(slots=True)
class Reference:
    """A citation of a published source.

    Parameters
    ----------
    key : str
        The short key the data files cite, e.g. ``"N2018"``.
    title : str
        Authors, title and publication, as one would write them in a reference list.
    year : int, optional
        Year of publication, where known.
    url : str, optional
        Where the source (or the faithful copy that was read) can be found.
    doi : str, optional
        The Digital Object Identifier, without the ``https://doi.org/`` prefix.
    note : str, optional
        Anything a reader should know about the source (e.g. that it is secondary).

    Examples
    --------
    >>> ref = Reference("X1", "A study of things", year=2020, doi="10.1000/xyz")
    >>> ref.link
    'https://doi.org/10.1000/xyz'
    >>> print(ref)
    [X1] A study of things (2020). https://doi.org/10.1000/xyz
    """

    key: str = attrs.field(validator=_non_empty)
    title: str = attrs.field(validator=_non_empty)
    year: int | None = attrs.field(default=None, kw_only=True)
    url: str | None = attrs.field(default=None, kw_only=True)
    doi: str | None = attrs.field(default=None, kw_only=True)
    note: str | None = attrs.field(default=None, kw_only=True)

    @property
    def link(self) -> str | None:
        """The best link to the source: the DOI resolver where there is a DOI, else the URL."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return self.url

    def __str__(self) -> str:
        year = f" ({self.year})" if self.year else ""
        link = f". {self.link}" if self.link else ""
        return f"[{self.key}] {self.title}{year}{link}"

    def _repr_markdown_(self) -> str:
        year = f" ({self.year})" if self.year else ""
        link = f" [{self.link}]({self.link})" if self.link else ""
        return f"**[{self.key}]** {self.title}{year}.{link}"


def _source() -> Traversable:
    return resources.files("interventional") / "data" / "bibliography.toml"


@functools.cache
def bibliography() -> Mapping[str, Reference]:
    """Return every source the library cites, keyed by citation key (read once).

    Examples
    --------
    >>> "ICRP-103" in bibliography()
    True
    """
    from interventional._data import load_records  # the loader itself cites references

    records = load_records(_source(), Reference, table="reference", key="key")
    return MappingProxyType({ref.key: ref for ref in records})


_HEADER = "\n[[reference]]\n"
_KEY = 'key = "'


@functools.cache
def _records_text() -> tuple[str, Mapping[str, str]]:
    """The bibliography file's name, and the TOML text of each of its records by key.

    The records are found without parsing the file, so that :func:`cite` can parse only the
    records it is asked for: the first structures with references (the atlas, a catalogue)
    then need not wait for the whole bibliography. Only records written as the file writes
    them are indexed (a ``[[reference]]`` line, then ``key = "..."``); any other record, and
    every record if a key is written twice, is left to :func:`bibliography`, which reads the
    whole file and reports what is wrong with it.
    """
    source = _source()
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return str(source), {}
    records: dict[str, str] = {}
    for part in ("\n" + text).split(_HEADER)[1:]:
        if not part.startswith(_KEY):
            continue
        end = part.find('"', len(_KEY))
        key = part[len(_KEY) : end]
        if end < 0 or "\\" in key or "\n" in key:
            continue
        if key in records:
            return str(source), {}
        records[key] = part
    return str(source), records


@functools.cache
def _parse_record(key: str) -> Reference | None:
    """The reference ``key`` read from its own record, or ``None`` if that does not work."""
    from interventional._data import loads_records

    label, records = _records_text()
    try:
        (reference,) = loads_records(
            _HEADER[1:] + records[key], Reference, table="reference", key="key", source=label
        )
    except (CatalogError, ValueError):
        return None  # the bibliography will say what is wrong
    return reference if reference.key == key else None


def cite(key: str) -> Reference:
    """Return the bibliography's :class:`Reference` for ``key``.

    Raises
    ------
    UnknownReferenceError
        When the key is not in the bibliography, with the closest keys as suggestions.
    """
    if isinstance(key, str) and key in _records_text()[1]:
        reference = _parse_record(key)
        if reference is not None:
            return reference
    references = bibliography()
    try:
        return references[key]
    except KeyError:
        raise UnknownReferenceError(key, suggest(key, references)) from None


def to_references(values: Iterable[Reference | str]) -> tuple[Reference, ...]:
    """Convert citation keys (or References) to a tuple of References, for attrs fields.

    Examples
    --------
    >>> [ref.key for ref in to_references(["N2018", cite("R2015")])]
    ['N2018', 'R2015']
    """
    if type(values) is tuple:
        for value in values:
            if type(value) is not Reference:
                break
        else:
            return values  # already a tuple of References: kept as it is
    if isinstance(values, str):
        values = [values]
    return tuple(value if isinstance(value, Reference) else cite(value) for value in values)
