"""Every public name is documented: it has a docstring and the API page covers its module."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

import interventional as iv

API_PAGE = (Path(__file__).resolve().parents[1] / "docs" / "api.md").read_text(encoding="utf-8")
DOCUMENTED_MODULES = set(re.findall(r"\.\. automodule:: ([\w.]+)", API_PAGE))
DOCUMENTED_NAMES = set(re.findall(r"\.\. auto(?:class|function|exception):: ([\w.]+)", API_PAGE))
SUBPACKAGES = ["anatomy", "fhir", "imaging", "pharmacology", "procedures", "safety"]


def public_objects() -> list[tuple[str, object]]:
    found: dict[str, object] = {name: getattr(iv, name) for name in iv.__all__}
    for package in SUBPACKAGES:
        module = importlib.import_module(f"interventional.{package}")
        for name in getattr(module, "__all__", ()):
            found.setdefault(f"{package}.{name}", getattr(module, name))
    return sorted(found.items())


@pytest.mark.parametrize(
    ("name", "obj"), public_objects(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_public_name_is_documented(name: str, obj: object) -> None:
    if not (inspect.isclass(obj) or inspect.isfunction(obj)):
        return  # data such as ureg and __version__ are described on the pages of their modules
    module = obj.__module__
    if not module.startswith("interventional"):
        return  # e.g. Q_, pint's Quantity class of the library's registry
    assert inspect.getdoc(obj), f"{name} has no docstring"
    qualified = f"{module}.{obj.__qualname__}"
    covered = module in DOCUMENTED_MODULES or qualified in DOCUMENTED_NAMES
    assert covered, f"{name} ({qualified}) is not covered by docs/api.md"
