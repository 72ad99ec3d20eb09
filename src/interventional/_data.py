r"""The one loader of data files: TOML records to immutable attrs objects through cattrs.

Every fact the library knows (bibliography, atlas rules, procedures, drugs, rules) lives in
a TOML file as an array of tables, one table per record::

    [[procedure]]
    id = "lumbar-medial-branch-block"
    ...

:func:`load_records` reads such a file and structures each record into an attrs class.
Whatever goes wrong is raised as :class:`~interventional.errors.CatalogError` naming the
file, the record (its id where it has one) and the field. Loading is pure: it returns new
objects and changes nothing already loaded, so a failed load leaves no trace.

A class that needs its own data form defines ``_from_data(value)`` (a class method) and
``_to_data()``; the converter uses them wherever that class appears.

The policy for leaf values: quantities, dates, durations, citation keys and the domain's
text-parsed types (anything with a ``parse`` class method, such as vertebral levels) are
passed to the attrs class as written, and the class's own converters read them, so that a
value read from a file and a value given in Python go through the same validation.

Examples
--------
>>> import attrs
>>> from interventional._data import loads_records
>>> @attrs.frozen
... class Needle:
...     id: str
...     gauge: int
>>> loads_records('[[needle]]\nid = "spinal"\ngauge = 22\n', Needle, table="needle")
(Needle(id='spinal', gauge=22),)
>>> loads_records('[[needle]]\nid = "spinal"\n', Needle, table="needle")
Traceback (most recent call last):
...
interventional.errors.CatalogError: <string>: record needle 'spinal': field 'gauge': required field missing
"""

from __future__ import annotations

import enum
import functools
import os
import threading
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from importlib.resources.abc import Traversable
from typing import Any, TypeVar

import attrs
import cattrs
import cattrs.gen
import pint
import tomli
import tomli_w

from interventional._enums import ParsableEnum
from interventional.errors import (
    CatalogError,
    InterventionalError,
    ValidationError,
    _did_you_mean,
    suggest,
)
from interventional.units import format_quantity

__all__ = [
    "DataSource",
    "DataTable",
    "converter",
    "dump_records",
    "load_records",
    "loads_records",
    "read_table",
    "structure_record",
    "unstructure",
]

T = TypeVar("T")
DataSource = str | os.PathLike[str] | Traversable
"""Where a data file can come from: a path, or a packaged resource."""


def _shown(value: object) -> str:
    """A value as an error message shows it: times as ISO text, not ``datetime.datetime(...)``."""
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return repr(value)


def _passthrough(value: object, _: object) -> object:
    return value


def _is_leaf(tp: object) -> bool:
    """Whether values of type ``tp`` are handed to the attrs class unconverted."""
    if tp in (datetime, date, timedelta, typing.Any):
        return True
    if isinstance(tp, type):
        if issubclass(tp, pint.Quantity):
            return True
        return hasattr(tp, "parse") and not issubclass(tp, enum.Enum)
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        members = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        return any(_is_leaf(arg) for arg in members)
    return False


def _strict_primitive(value: object, tp: type) -> object:
    """Accept a TOML value of exactly the field's type (no ``"no"`` read as ``True``)."""
    if tp is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif tp is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, tp)
    if not ok:
        raise TypeError(f"expected {tp.__name__}, got {type(value).__name__} {_shown(value)}")
    return float(value) if tp is float else value  # type: ignore[arg-type]


_COLLECTIONS = (tuple, frozenset, list, set)


def _is_homogeneous_collection(tp: object) -> bool:
    origin = typing.get_origin(tp)
    if origin not in _COLLECTIONS:
        return False
    args = typing.get_args(tp)
    return origin is not tuple or (len(args) == 2 and args[1] is Ellipsis)


def _strict_collection(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """Structure tuples, sets and lists only from TOML arrays (a string is not a list)."""

    def factory(tp: Any) -> Callable[[Any, Any], Any]:
        origin = typing.get_origin(tp)
        (item_type, *_) = typing.get_args(tp) or (Any,)
        item = conv.get_structure_hook(item_type)

        def structure(value: Any, _: Any) -> Any:
            if not isinstance(value, list | tuple | set | frozenset):
                raise TypeError(f"expected a list, got {type(value).__name__} {_shown(value)}")
            out, errors = [], []
            for index, element in enumerate(value):
                try:
                    out.append(item(element, item_type))
                except Exception as error:  # as cattrs does: each element's error, with its index
                    note = cattrs.errors.IterableValidationNote(
                        f"Structuring {tp} @ index {index}", index, item_type
                    )
                    error.__notes__ = [*getattr(error, "__notes__", []), note]
                    errors.append(error)
            if errors:
                raise cattrs.IterableValidationError(f"While structuring {tp!r}", errors, tp)
            return origin(out)

        return structure

    return factory


def _is_frozenset(tp: object) -> bool:
    return tp is frozenset or typing.get_origin(tp) is frozenset


def _structure_enum(value: Any, tp: type[ParsableEnum]) -> ParsableEnum:
    """Read a member: a member's own value as written, else whatever ``tp.parse`` reads."""
    if isinstance(value, str):
        try:
            return tp(value)  # the usual case, found without folding case and separators
        except ValueError:
            pass
    return tp.parse(value)


def _unstructure_enum(value: enum.Enum) -> object:
    return value.value


class _Field(typing.NamedTuple):
    """How one field of an attrs class is read from a record (see :class:`_Converter`)."""

    key: str  # in the record
    argument: str  # of the class's __init__
    hook: Callable[[Any, Any], Any] | None  # None: the value is passed as it is
    type: Any
    required: bool
    note: str


def _fields_of(conv: cattrs.Converter, cl: type) -> tuple[_Field, ...] | None:
    """The field readers of a plain attrs class; ``None`` where cattrs must generate code.

    A plain class is a non-generic attrs class whose fields are all ``__init__`` arguments
    with a type, none of them a type variable, ``Annotated``, ``Final`` or a type override.
    """
    generic = hasattr(cl, "__parameters__") or hasattr(cl, "__orig_bases__")
    if not isinstance(cl, type) or not attrs.has(cl) or generic:
        return None
    if any(isinstance(a.type, str) for a in attrs.fields(cl)):
        attrs.resolve_types(cl)
    out = []
    for a in attrs.fields(cl):
        tp = a.type
        if (
            not a.init
            or tp is None
            or isinstance(tp, typing.TypeVar)
            or tp is typing.Final
            or typing.get_origin(tp) in (typing.Annotated, typing.Final)
            or tp in conv.type_overrides
        ):
            return None
        hook: Callable[[Any, Any], Any] | None
        try:
            if a.converter is not None:
                # As cattrs does: the type's hook, or none (the attrs converter alone).
                try:
                    hook = conv.get_structure_hook(tp)
                except cattrs.StructureHandlerNotFoundError:
                    hook = None
                if hook == cattrs.fns.raise_error:
                    hook = None
            else:
                hook = conv.get_structure_hook(tp)
        except RecursionError:  # a class that contains itself: look its hook up when reading
            hook = conv.structure
        note = f"Structuring class {cl.__qualname__} @ attribute {a.name}"
        out.append(_Field(a.name, a.alias, hook, tp, a.default is attrs.NOTHING, note))
    return tuple(out)


class _Converter(cattrs.Converter):
    """cattrs' converter, reading plain attrs classes without generating code for them.

    cattrs writes, compiles and caches a structuring function for each attrs class. The
    compilation takes about a millisecond a class, paid in every process by the first load
    of each record type (the atlas alone reads seven). For the plain classes of the library's
    data (see :func:`_fields_of`) this converter reads records with one general function
    instead, which does what cattrs' generated function does in detailed-validation mode,
    as fast, and with the same errors: a ``ClassValidationError`` of the field errors, each
    with its ``AttributeValidationNote``, and ``ForbiddenExtraKeysError`` for unknown keys
    (``tests/foundation/test_loader_structuring.py`` compares the two). Other classes
    (generic ones, fields outside ``__init__`` ...) go to cattrs.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._local = threading.local()  # .reading: the classes whose fields are looked up

    def gen_structure_attrs_fromdict(self, cl: type[T]) -> Callable[[Mapping[str, Any], Any], T]:
        """Return the structuring function of the attrs class ``cl``."""
        reading: set[type] = self._local.__dict__.setdefault("reading", set())
        if cl in reading:
            raise RecursionError(cl)  # as cattrs does; the field is then read by late binding
        reading.add(cl)
        try:
            plain = self.detailed_validation and not self.use_alias
            fields = _fields_of(self, cl) if plain else None
        finally:
            reading.discard(cl)
        if fields is None:
            return super().gen_structure_attrs_fromdict(cl)
        return _structure_attrs(
            cl, fields, frozenset(f.key for f in fields), self.forbid_extra_keys
        )


def _structure_attrs(
    cl: type[T], fields: tuple[_Field, ...], allowed: frozenset[str], forbid_extra_keys: bool
) -> Callable[[Mapping[str, Any], Any], T]:
    name = cl.__name__
    plan = tuple(
        (
            f.key,
            f.argument,
            f.hook,
            f.type,
            f.required,
            cattrs.errors.AttributeValidationNote(f.note, f.key, f.type),
        )
        for f in fields
    )

    def structure(o: Mapping[str, Any], _: Any = None) -> T:
        res: dict[str, Any] = {}
        errors: list[Exception] = []
        for key, argument, hook, tp, required, note in plan:
            if not required and key not in o:
                continue
            try:
                res[argument] = o[key] if hook is None else hook(o[key], tp)
            except Exception as e:  # collected, and raised as a group: as cattrs does
                e.__notes__ = [*getattr(e, "__notes__", []), note]
                errors.append(e)
        if forbid_extra_keys and not allowed.issuperset(o.keys()):
            unknown = set(o.keys()) - allowed
            errors.append(cattrs.ForbiddenExtraKeysError("", cl, unknown))
        if errors:
            raise cattrs.ClassValidationError(f"While structuring {name}", errors, cl)
        try:
            return cl(**res)
        except Exception as exc:
            raise cattrs.ClassValidationError(f"While structuring {name}", [exc], cl) from exc

    return structure


@functools.cache
def converter() -> cattrs.Converter:
    """Return the library's configured cattrs converter (built once).

    Unknown keys are errors; enums are written as their values; quantities as text such as
    ``"10 mg"``; references as their keys; tuples and frozensets as lists.
    """
    from interventional.references import Reference, bibliography, cite

    conv = _Converter(forbid_extra_keys=True, detailed_validation=True)
    for primitive in (bool, int, float, str):
        conv.register_structure_hook(primitive, _strict_primitive)
    conv.register_structure_hook_factory(_is_homogeneous_collection, _strict_collection(conv))
    conv.register_structure_hook_func(_is_leaf, _passthrough)
    # By class, not by predicate: cattrs before 26.1 dispatches every Enum by class, which
    # a predicate hook never overrides ("RIGHT" would not read as Side.RIGHT).
    conv.register_structure_hook(ParsableEnum, _structure_enum)
    conv.register_unstructure_hook(pint.Quantity, format_quantity)
    conv.register_unstructure_hook_func(
        lambda tp: isinstance(tp, type) and issubclass(tp, enum.Enum), _unstructure_enum
    )

    def unstructure_reference(ref: Reference) -> object:
        if bibliography().get(ref.key) == ref:
            return ref.key
        return attrs.asdict(ref, filter=lambda _, v: v is not None)

    structure_inline = conv.gen_structure_attrs_fromdict(Reference)

    def structure_reference(value: object, _: object) -> Reference:
        if isinstance(value, str):
            return cite(value)
        return structure_inline(typing.cast(Mapping[str, Any], value), Reference)

    conv.register_structure_hook(Reference, structure_reference)
    conv.register_unstructure_hook(Reference, unstructure_reference)
    conv.register_unstructure_hook_func(
        lambda tp: isinstance(tp, type) and hasattr(tp, "parse") and not issubclass(tp, enum.Enum),
        str,
    )
    conv.register_unstructure_hook_func(
        _is_frozenset,
        lambda value: sorted((conv.unstructure(v) for v in value), key=repr),
    )
    # A class may define its own data form: a `_from_data(value)` class method and a
    # `_to_data()` method (e.g. Dose, whose drug is written as its generic name).
    conv.register_structure_hook_func(
        lambda tp: isinstance(tp, type) and hasattr(tp, "_from_data"),
        lambda value, tp: tp._from_data(value),
    )
    conv.register_unstructure_hook_func(
        lambda tp: isinstance(tp, type) and hasattr(tp, "_to_data"),
        lambda value: value._to_data(),
    )
    conv.register_unstructure_hook(timedelta, lambda value: f"{value.total_seconds() / 3600!r} h")
    return conv


def _label(source: DataSource) -> str:
    return os.fspath(source) if isinstance(source, os.PathLike | str) else str(source)


def _read_text(source: DataSource) -> str:
    label = _label(source)
    try:
        if isinstance(source, str | os.PathLike):
            with open(source, encoding="utf-8") as handle:
                return handle.read()
        return source.read_text(encoding="utf-8")
    except OSError as error:
        raise CatalogError(
            label, None, None, f"cannot read the file: {error.strerror or error}"
        ) from None
    except UnicodeDecodeError as error:
        raise CatalogError(label, None, None, f"not UTF-8 text: {error}") from None


# tomli rather than the standard library's tomllib (the same parser, which tomli is the
# upstream of): its compiled wheels read the library's data about six times faster
# (measured 7 ms against 44 ms for the bibliography and the atlas files), which is most
# of the time default_atlas() takes on first use.
def _parse_toml(text: str, label: str) -> dict[str, Any]:
    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        raise CatalogError(label, None, None, f"invalid TOML: {error}") from None


def read_table(source: DataSource, table: str) -> list[dict[str, Any]]:
    """Read the array of tables ``table`` from a TOML file, as plain dictionaries.

    Raises
    ------
    CatalogError
        When the file cannot be read, is not TOML, or ``table`` is not an array of tables.
    """
    return _table_of(_parse_toml(_read_text(source), _label(source)), table, _label(source))


def _table_of(document: Mapping[str, Any], table: str, label: str) -> list[dict[str, Any]]:
    records = document.get(table)
    if records is None:
        found = ", ".join(sorted(document)) or "nothing"
        raise CatalogError(label, None, table, f"no [[{table}]] records (the file holds {found})")
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise CatalogError(label, None, table, f"[[{table}]] must be an array of tables")
    return records


def _record_label(raw: Mapping[str, Any], table: str, index: int, key: str | None) -> str:
    if key is not None and isinstance(raw.get(key), str):
        return f"{table} {raw[key]!r}"
    return f"{table} #{index + 1}"


def structure_record(
    raw: Mapping[str, Any],
    record_type: type[T],
    *,
    file: str = "<data>",
    record: str = "record",
) -> T:
    """Structure one raw record into ``record_type``, reporting errors as CatalogError.

    The error's field is the full path of the value as the file spells it
    (``medications[1].last_dose``), found by cattrs' :func:`cattrs.transform_error`; every
    problem of the record is reported, the first as the field and reason.
    """
    try:
        return converter().structure(raw, record_type)
    except cattrs.BaseValidationError as error:
        problems = _problems(error)
        field, reason = problems[0]
        if len(problems) > 1:
            also = "; ".join(f"{path or 'record'}: {why}" for path, why in problems[1:])
            reason = f"{reason} (also {also})"
        raise CatalogError(file, record, field, reason) from None
    except ValidationError as error:
        raise CatalogError(file, record, error.field, _reason_of(error)) from None
    except (InterventionalError, ValueError, TypeError, KeyError) as error:
        raise CatalogError(file, record, None, str(error)) from None


def _problems(error: cattrs.BaseValidationError) -> list[tuple[str | None, str]]:
    """Each problem of a failed structuring: its path in the record, and what was wrong.

    cattrs writes the paths (:func:`cattrs.transform_error`); this only words each leaf
    error. Where a leaf was raised by the record's class itself (its converters and
    validators run in ``__init__``) or for a whole list item, the leaf's own field (a
    :class:`~interventional.errors.ValidationError`'s ``field``) ends the path; an unknown
    key ends it as the file spells it.
    """
    leaves: list[tuple[BaseException, Any]] = []

    def mark(leaf: BaseException, tp: Any) -> str:
        leaves.append((leaf, tp))
        return str(len(leaves) - 1)

    out: list[tuple[str | None, str]] = []
    for message in cattrs.transform_error(error, path="$", format_exception=mark):
        number, _, at = message.partition(" @ ")
        leaf, tp = leaves[int(number)]
        path = at.removeprefix("$").removeprefix(".")
        inside = tp is None or path.endswith("]") or not path
        if isinstance(leaf, cattrs.ForbiddenExtraKeysError):
            cl: Any = leaf.cl
            allowed = [a.alias or a.name for a in attrs.fields(cl)] if attrs.has(cl) else []
            for key in sorted(leaf.extra_fields):
                why = f"unknown field {key!r}" + _did_you_mean(suggest(key, allowed))
                out.append((_join(path, key), why))
        elif isinstance(leaf, ValidationError):
            last = path.rpartition(".")[2]
            if leaf.field.startswith(last + "."):  # the leaf names a part of the field
                path = path[: len(path) - len(last)] + leaf.field
            elif inside and not path.endswith(leaf.field):
                path = _join(path, leaf.field)
            out.append((path or None, _reason_of(leaf)))
        elif isinstance(leaf, InterventionalError | TypeError | ValueError) and str(leaf):
            out.append((path or None, str(leaf)))  # the library's words (its hooks' errors)
        else:  # a missing key, and what has no words of its own: cattrs' words
            out.append((path or None, cattrs.v.format_exception(leaf, tp)))
    return out or [(None, str(error))]


def _join(path: str, field: str) -> str:
    return f"{path}.{field}" if path else field


def _reason_of(error: ValidationError) -> str:
    text = error.reason
    if error.suggestions:
        text += f"; did you mean {', '.join(repr(s) for s in error.suggestions)}?"
    return text


def _structure_all(
    records: Sequence[Mapping[str, Any]],
    record_type: type[T],
    *,
    label: str,
    table: str,
    key: str | None,
) -> tuple[T, ...]:
    seen: dict[object, int] = {}
    out: list[T] = []
    for index, raw in enumerate(records):
        record = _record_label(raw, table, index, key)
        obj = structure_record(raw, record_type, file=label, record=record)
        if key is not None:
            ident = getattr(obj, key)
            if ident in seen:
                raise CatalogError(
                    label,
                    record,
                    key,
                    f"duplicate {key} {ident!r} (first at record #{seen[ident] + 1})",
                )
            seen[ident] = index
        out.append(obj)
    return tuple(out)


def load_records(
    source: DataSource,
    record_type: type[T],
    *,
    table: str,
    key: str | None = "id",
) -> tuple[T, ...]:
    """Load every ``[[table]]`` record of a TOML file as ``record_type`` objects.

    Parameters
    ----------
    source : path or packaged resource
        The TOML file.
    record_type : attrs class
        What each record becomes.
    table : str
        The name of the array of tables, e.g. ``"procedure"``.
    key : str or None, optional
        The field that identifies a record and must be unique; ``None`` for no check.

    Returns
    -------
    tuple
        The records, in file order.

    Raises
    ------
    CatalogError
        Naming the file, the record and the field: missing field, wrong type, wrong unit,
        unknown key, duplicate id, unknown citation, or a file that is not TOML.
    """
    label = _label(source)
    records = read_table(source, table)
    return _structure_all(records, record_type, label=label, table=table, key=key)


def loads_records(
    text: str,
    record_type: type[T],
    *,
    table: str,
    key: str | None = "id",
    source: str = "<string>",
) -> tuple[T, ...]:
    """Like :func:`load_records`, from TOML text (``source`` names it in errors)."""
    records = _table_of(_parse_toml(text, source), table, source)
    return _structure_all(records, record_type, label=source, table=table, key=key)


def unstructure(obj: object) -> Any:
    """Return the plain (TOML-ready) form of an attrs object, the inverse of loading.

    ``None`` values are dropped, since TOML has no null.
    """
    return _drop_none(converter().unstructure(obj))


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_drop_none(v) for v in value]
    return value


def dump_records(records: Iterable[object], *, table: str) -> str:
    """Write records as TOML text that :func:`loads_records` reads back to equal objects."""
    return tomli_w.dumps({table: [unstructure(record) for record in records]})


def structure_hook(tp: type[T]) -> Callable[[Any], T]:
    """Return a function that structures a raw value into ``tp`` with the library's rules."""

    def structure(value: Any) -> T:
        return converter().structure(value, tp)

    return structure


class DataTable(typing.Generic[T]):
    """A built-in table of records: its file, its loader, its records by key, read once.

    The pharmacology tables (corticosteroid equivalences, local-anaesthetic limits, contrast
    products) are each one of these: a packaged TOML file of ``[[table]]`` records of one
    attrs class, loaded by :func:`load_records` and kept by key the first time they are read.

    Parameters
    ----------
    package : str
        The package whose ``data/`` folder holds the file.
    file : str
        The file name, e.g. ``"contrast.toml"``.
    cls : type
        The attrs class of a record.
    table : str
        The array of tables, e.g. ``"product"``.
    key : str
        The field that keys the records (unique: a duplicate is a :class:`CatalogError`).

    Examples
    --------
    >>> from interventional._data import DataTable
    >>> from interventional.pharmacology.contrast import ContrastProduct
    >>> products = DataTable(
    ...     "interventional.pharmacology", "contrast.toml", ContrastProduct, table="product", key="id"
    ... )
    >>> products.records()["omnipaque-300"].intrathecal
    True
    """

    __slots__ = ("_lock", "_records", "cls", "file", "key", "package", "table")

    def __init__(self, package: str, file: str, cls: type[T], *, table: str, key: str) -> None:
        self.package, self.file, self.cls, self.table, self.key = package, file, cls, table, key
        self._records: Mapping[str, T] | None = None
        self._lock = threading.Lock()

    @property
    def source(self) -> Traversable:
        """The packaged file."""
        from importlib import resources

        return resources.files(self.package) / "data" / self.file

    def load(self, source: DataSource) -> tuple[T, ...]:
        """Load the records of a file of this table's schema (a user's own, or the built-in).

        Raises
        ------
        CatalogError
            Naming the file, record and field of the first problem (also a duplicate key).
        """
        return load_records(source, self.cls, table=self.table, key=self.key)

    def records(self) -> Mapping[str, T]:
        """The built-in records by key (read the first time, then kept)."""
        found = self._records
        if found is None:
            with self._lock:
                found = self._records
                if found is None:
                    records = self.load(self.source)
                    found = self._records = types.MappingProxyType(
                        {getattr(record, self.key): record for record in records}
                    )
        return found

    def get(self, key: str) -> T | None:
        """The built-in record under ``key``, or ``None``."""
        return self.records().get(key)
