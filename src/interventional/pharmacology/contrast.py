"""Contrast agents: iodinated or gadolinium-based, and which products are labelled for intrathecal use.

The facts are data (``pharmacology/data/contrast.toml``): one record per marketed product
and strength whose label was checked. The fact sheet's engine rule: where intrathecal
spread is possible, accept only intrathecal-labelled iodinated contrast. No gadolinium-based
agent is approved for intrathecal use.

:func:`intrathecal_labelled` answers ``True``, ``False`` or ``None`` (not known): a dose of
iopamidol 300 mgI/mL may be Isovue 300 (not intrathecal) or Isovue-M 300 (intrathecal), so
without the product the answer is ``None``, and a fail-safe caller must not treat ``None``
as ``True``.

Examples
--------
>>> from interventional.pharmacology import Dose, contrast_product, intrathecal_labelled
>>> contrast_product("Omnipaque 300").intrathecal
True
>>> intrathecal_labelled(Dose("iohexol", volume="3 mL", concentration="350 mg/mL"))
False
>>> intrathecal_labelled(Dose("iopamidol", volume="3 mL", concentration="300 mg/mL")) is None
True
>>> intrathecal_labelled(Dose("gadobutrol", volume="1 mL"))
False
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import attrs

from interventional._data import DataSource, DataTable
from interventional.errors import UnknownDrugError, ValidationError, suggest
from interventional.pharmacology._common import Confidence, to_confidence
from interventional.pharmacology.dose import Dose
from interventional.pharmacology.drugs import Drug, DrugClass, drug
from interventional.references import Reference, to_references
from interventional.units import Quantity, canonical_quantity

__all__ = [
    "ContrastProduct",
    "UnknownContrastProductError",
    "contrast_product",
    "contrast_products",
    "intrathecal_labelled",
    "load_contrast_products",
]


class UnknownContrastProductError(UnknownDrugError):
    """A contrast product id or name that the data does not hold."""

    what = "contrast product"


def _fold(text: str) -> str:
    return re.sub(r"[\s_\-]+", "-", text.strip().casefold())


def _contrast_name(value: str | Drug) -> str:
    found = drug(value)
    if not found.drug_class.contrast:
        raise ValidationError(
            "drug", f"{found.name} is a {found.drug_class.value}, not a contrast agent"
        )
    return found.name


def _to_iodine(value: object) -> Quantity | None:
    if value is None:
        return None
    quantity = canonical_quantity(value, "mg/mL", field="iodine_concentration")
    if not quantity.magnitude > 0:
        raise ValidationError("iodine_concentration", f"must be positive, got {quantity}")
    return quantity


def _check_id(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value or _fold(value) != value:
        raise ValidationError(
            attribute.name, f"an id is lower-case words joined by '-', got {value!r}"
        )


def _check_intrathecal(instance: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        raise ValidationError(attribute.name, f"must be true or false, got {value!r}")


def _cites(
    instance: object, attribute: attrs.Attribute[tuple[Reference, ...]], value: object
) -> None:
    if not value:
        raise ValidationError(attribute.name, "every product cites at least one source")


@attrs.frozen(slots=True)
class ContrastProduct:
    """A marketed contrast product and strength, with its intrathecal labelling.

    Parameters
    ----------
    id : str
        Lower-case id (``"omnipaque-300"``).
    name : str
        The product name as labelled (``"Omnipaque 300"``).
    drug : str
        Generic id of the contrast agent (aliases are converted).
    iodine_concentration : Quantity or str, optional
        Organically bound iodine per mL, for iodinated agents (``"300 mg/mL"``).
    intrathecal : bool
        Whether the label indicates the product for intrathecal use.
    confidence : Confidence
        How well the status is sourced.
    note : str, optional
        Remarks (boxed warnings, presentations excluded).
    references : tuple of Reference
        The sources.

    Examples
    --------
    >>> from interventional.pharmacology import contrast_product
    >>> product = contrast_product("isovue-m-300")
    >>> product.drug, str(product.iodine_concentration), product.iodinated
    ('iopamidol', '300 mg / mL', True)
    """

    id: str = attrs.field(validator=_check_id)
    name: str = attrs.field()
    drug: str = attrs.field(converter=_contrast_name)
    intrathecal: bool = attrs.field(validator=_check_intrathecal)
    iodine_concentration: Quantity | None = attrs.field(default=None, converter=_to_iodine)
    confidence: Confidence = attrs.field(default=Confidence.LOW, converter=to_confidence)
    note: str | None = attrs.field(default=None)
    references: tuple[Reference, ...] = attrs.field(
        factory=tuple, converter=to_references, validator=_cites
    )

    @property
    def drug_class(self) -> DrugClass:
        """The agent's class: iodinated or gadolinium-based contrast."""
        return drug(self.drug).drug_class

    @property
    def iodinated(self) -> bool:
        """Whether the agent is an iodinated contrast medium."""
        return self.drug_class is DrugClass.IODINATED_CONTRAST


_TABLE = DataTable(
    "interventional.pharmacology", "contrast.toml", ContrastProduct, table="product", key="id"
)


def load_contrast_products(source: DataSource) -> tuple[ContrastProduct, ...]:
    """Load ``[[product]]`` records (the schema of ``pharmacology/data/contrast.toml``).

    Raises
    ------
    CatalogError
        Naming the file, record and field of the first problem (also a duplicate id).
    """
    return _TABLE.load(source)


def contrast_products() -> Mapping[str, ContrastProduct]:
    """Return the built-in contrast products keyed by id (read once).

    Examples
    --------
    >>> from interventional.pharmacology import contrast_products
    >>> sorted(p.name for p in contrast_products().values() if p.intrathecal)
    ['Isovue-M 200', 'Isovue-M 300', 'Omnipaque 180', 'Omnipaque 240', 'Omnipaque 300']
    """
    return _TABLE.records()


def contrast_product(name: str | ContrastProduct) -> ContrastProduct:
    """Return a contrast product by id or labelled name, in any case.

    Raises
    ------
    UnknownContrastProductError
        With the closest ids as suggestions (a ``KeyError``).

    Examples
    --------
    >>> from interventional.pharmacology import contrast_product
    >>> contrast_product("OMNIPAQUE 350").intrathecal
    False
    """
    if isinstance(name, ContrastProduct):
        return name
    products = contrast_products()
    folded = _fold(str(name))
    for product in products.values():
        if folded in (product.id, _fold(product.name)):
            return product
    raise UnknownContrastProductError(str(name), suggest(str(name), products))


def _same(a: Quantity, b: Quantity) -> bool:
    return math.isclose(
        float(a.to("mg/mL").magnitude), float(b.to("mg/mL").magnitude), rel_tol=1e-6
    )


def intrathecal_labelled(item: str | ContrastProduct | Dose) -> bool | None:
    """Whether a contrast product, or the product a dose must be, is labelled for intrathecal use.

    Parameters
    ----------
    item : str, ContrastProduct or Dose
        A product (id or name), or a dose of a contrast agent.

    Returns
    -------
    bool or None
        ``True`` or ``False`` from the label; ``None`` when it cannot be told (a dose whose
        strength matches products labelled both ways, or no checked product). For a
        gadolinium-based agent the answer is ``False`` (no GBCA is approved for
        intrathecal use).

    Raises
    ------
    ValidationError
        When a dose is not of a contrast agent (field ``drug``).
    UnknownContrastProductError
        When a product name is unknown.

    Examples
    --------
    >>> from interventional.pharmacology import Dose, intrathecal_labelled
    >>> intrathecal_labelled("isovue-m-200"), intrathecal_labelled("Isovue 370")
    (True, False)
    >>> intrathecal_labelled(Dose("iohexol", volume="2 mL")) is None
    True
    """
    if not isinstance(item, Dose):
        return contrast_product(item).intrathecal
    generic = _contrast_name(item.drug)
    if item.drug.drug_class is DrugClass.GADOLINIUM_CONTRAST:
        return False
    if item.concentration is None:
        return None
    candidates = [
        product
        for product in contrast_products().values()
        if product.drug == generic
        and product.iodine_concentration is not None
        and item.concentration.is_compatible_with("mg/mL")
        and _same(product.iodine_concentration, item.concentration)
    ]
    statuses = {product.intrathecal for product in candidates}
    if len(statuses) != 1:
        return None
    return statuses.pop()
