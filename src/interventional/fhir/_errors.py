"""The error a malformed FHIR bundle raises: :class:`BundleError`."""

from __future__ import annotations

from typing import Any

from interventional.errors import InterventionalError, ValidationError

__all__ = ["BundleError", "MissingExtraError", "model", "validation_error"]


class MissingExtraError(InterventionalError, ImportError):
    """The FHIR models (``fhir.resources``, the ``fhir`` extra) are not installed."""


def model(kind: str) -> Any:
    """The ``fhir.resources`` R4B model class of the resource or type ``kind``.

    Raises
    ------
    MissingExtraError
        When ``fhir.resources`` is not installed.
    """
    import importlib

    try:
        module = importlib.import_module(f"fhir.resources.R4B.{kind.lower()}")
    except ModuleNotFoundError as error:
        if error.name is not None and error.name.startswith("fhir"):
            raise MissingExtraError(
                'interventional.fhir needs the FHIR models: pip install "interventional[fhir]"'
            ) from None
        raise
    return getattr(module, kind)


class BundleError(ValidationError):
    """A FHIR bundle that cannot be read: not JSON, not a Bundle, or an invalid resource.

    ``field`` is the path of the first invalid element, as FHIRPath-like text
    (``entry[3].resource.effectiveDateTime``); ``problems`` lists every one the FHIR models
    found, as ``(path, reason)`` pairs.

    Examples
    --------
    >>> print(BundleError("entry[3].resource.status", "Input should be 'final' or ..."))
    entry[3].resource.status: Input should be 'final' or ...
    """

    def __init__(self, field: str, reason: str, problems: tuple[tuple[str, str], ...] = ()) -> None:
        self.problems = problems or ((field, reason),)
        super().__init__(field, reason)


def _path(location: tuple[Any, ...]) -> str:
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "bundle"


def validation_error(error: Any) -> BundleError:
    """A :class:`BundleError` for the validation error of the FHIR models (pydantic)."""
    problems = tuple(
        (_path(tuple(item["loc"])), str(item["msg"]).removeprefix("Value error, "))
        for item in error.errors()
    )
    field, reason = problems[0]
    more = len(problems) - 1
    if more:
        reason += f" (and {more} more: see .problems)"
    return BundleError(field, reason, problems)
