"""Write the trimmed intersphinx inventories in docs/_intersphinx/.

The docs build runs where only package registries are reachable, so intersphinx cannot
download objects.inv files. conf.py lists these local inventories first (the real ones
second, for builds with a network). Each holds only the names our docs link to, with the
real documentation URLs. Run `python tools/make_inventories.py` after adding a name.
"""

from __future__ import annotations

import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "docs" / "_intersphinx"

INVENTORIES: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "python": (
        "3",
        [
            ("datetime.datetime", "py:class", "library/datetime.html#datetime.datetime"),
            ("datetime.timedelta", "py:class", "library/datetime.html#datetime.timedelta"),
            ("datetime.date", "py:class", "library/datetime.html#datetime.date"),
            ("Exception", "py:exception", "library/exceptions.html#Exception"),
            ("KeyError", "py:exception", "library/exceptions.html#KeyError"),
            ("ValueError", "py:exception", "library/exceptions.html#ValueError"),
            ("TypeError", "py:exception", "library/exceptions.html#TypeError"),
            (
                "collections.abc.Mapping",
                "py:class",
                "library/collections.abc.html#collections.abc.Mapping",
            ),
            (
                "collections.abc.Iterable",
                "py:class",
                "library/collections.abc.html#collections.abc.Iterable",
            ),
            (
                "collections.abc.Iterator",
                "py:class",
                "library/collections.abc.html#collections.abc.Iterator",
            ),
            (
                "collections.abc.Sequence",
                "py:class",
                "library/collections.abc.html#collections.abc.Sequence",
            ),
            (
                "collections.abc.Callable",
                "py:class",
                "library/collections.abc.html#collections.abc.Callable",
            ),
            ("pathlib.Path", "py:class", "library/pathlib.html#pathlib.Path"),
            ("enum.Enum", "py:class", "library/enum.html#enum.Enum"),
            ("str", "py:class", "library/stdtypes.html#str"),
            ("int", "py:class", "library/functions.html#int"),
            ("float", "py:class", "library/functions.html#float"),
            ("bool", "py:class", "library/functions.html#bool"),
            ("tuple", "py:class", "library/stdtypes.html#tuple"),
            ("dict", "py:class", "library/stdtypes.html#dict"),
            ("frozenset", "py:class", "library/stdtypes.html#frozenset"),
            ("object", "py:class", "library/functions.html#object"),
            ("typing.Any", "py:data", "library/typing.html#typing.Any"),
            ("functools.cache", "py:function", "library/functools.html#functools.cache"),
            (
                "difflib.get_close_matches",
                "py:function",
                "library/difflib.html#difflib.get_close_matches",
            ),
            ("tomllib", "py:module", "library/tomllib.html#module-tomllib"),
            (
                "concurrent.futures.ProcessPoolExecutor",
                "py:class",
                "library/concurrent.futures.html#concurrent.futures.ProcessPoolExecutor",
            ),
        ],
    ),
    "pint": (
        "stable",
        [
            ("pint.Quantity", "py:class", "api/base.html#pint.Quantity"),
            ("pint.Unit", "py:class", "api/base.html#pint.Unit"),
            ("pint.UnitRegistry", "py:class", "api/base.html#pint.UnitRegistry"),
        ],
    ),
    "networkx": (
        "stable",
        [
            (
                "networkx.MultiDiGraph",
                "py:class",
                "reference/classes/multidigraph.html#networkx.MultiDiGraph",
            ),
            ("networkx.DiGraph", "py:class", "reference/classes/digraph.html#networkx.DiGraph"),
            ("networkx.Graph", "py:class", "reference/classes/graph.html#networkx.Graph"),
        ],
    ),
    "attrs": (
        "stable",
        [
            ("attrs.frozen", "py:function", "api.html#attrs.frozen"),
            ("attrs.define", "py:function", "api.html#attrs.define"),
            ("attrs.evolve", "py:function", "api.html#attrs.evolve"),
            ("attrs.field", "py:function", "api.html#attrs.field"),
        ],
    ),
}


def write(project: str, version: str, entries: list[tuple[str, str, str]]) -> Path:
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n"
        f"# Version: {version}\n"
        "# The remainder of this file is compressed using zlib.\n"
    ).encode()
    body = "".join(f"{name} {role} 1 {uri} -\n" for name, role, uri in entries).encode()
    path = OUT / f"{project}.inv"
    path.write_bytes(header + zlib.compress(body))
    return path


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (version, entries) in INVENTORIES.items():
        print(write(name, version, entries))
