from __future__ import annotations

import pytest

from interventional._data import dump_records, loads_records
from interventional.errors import CatalogError, ValidationError
from interventional.pharmacology import (
    ContrastProduct,
    Dose,
    DrugClass,
    UnknownContrastProductError,
    contrast_product,
    contrast_products,
    drug,
    intrathecal_labelled,
)


@pytest.mark.parametrize(
    ("product", "intrathecal"),
    [
        ("omnipaque-140", False),
        ("omnipaque-180", True),
        ("omnipaque-240", True),
        ("omnipaque-300", True),
        ("omnipaque-350", False),
        ("isovue-200", False),
        ("isovue-250", False),
        ("isovue-300", False),
        ("isovue-370", False),
        ("isovue-m-200", True),
        ("isovue-m-300", True),
        ("gadavist", False),
        ("prohance", False),
    ],
)
def test_label_status(product: str, intrathecal: bool) -> None:
    assert contrast_product(product).intrathecal is intrathecal
    assert intrathecal_labelled(product) is intrathecal


def test_classes() -> None:
    assert drug("iohexol").drug_class is DrugClass.IODINATED_CONTRAST
    assert drug("gadoteridol").drug_class is DrugClass.GADOLINIUM_CONTRAST
    assert contrast_product("prohance").drug_class is DrugClass.GADOLINIUM_CONTRAST
    assert not contrast_product("prohance").iodinated
    assert contrast_product("Omnipaque 300").iodinated


def test_no_gadolinium_product_is_intrathecal() -> None:
    for product in contrast_products().values():
        if not product.iodinated:
            assert product.intrathecal is False


def test_dose_of_unambiguous_strength() -> None:
    assert intrathecal_labelled(Dose("Omnipaque", volume="3 mL", concentration="240 mg/mL"))
    assert intrathecal_labelled(Dose("iohexol", volume="3 mL", concentration="0.35 g/mL")) is False


def test_dose_of_ambiguous_strength_is_unknown() -> None:
    # Isovue 300 (not intrathecal) and Isovue-M 300 (intrathecal) share the strength.
    assert intrathecal_labelled(Dose("iopamidol", volume="3 mL", concentration="300 mg/mL")) is None


def test_dose_without_strength_is_unknown() -> None:
    assert intrathecal_labelled(Dose("iohexol", volume="3 mL")) is None


def test_unchecked_strength_is_unknown() -> None:
    assert intrathecal_labelled(Dose("iohexol", volume="3 mL", concentration="320 mg/mL")) is None


def test_gadolinium_dose_is_never_intrathecal() -> None:
    assert intrathecal_labelled(Dose("gadobutrol", volume="1 mL")) is False


def test_non_contrast_dose_is_rejected() -> None:
    with pytest.raises(ValidationError, match="not a contrast agent"):
        intrathecal_labelled(Dose("lidocaine", "10 mg"))


def test_unknown_product() -> None:
    with pytest.raises(UnknownContrastProductError, match="did you mean") as caught:
        contrast_product("omnipaque-3000")
    assert isinstance(caught.value, KeyError)


def test_round_trip() -> None:
    records = tuple(contrast_products().values())
    text = dump_records(records, table="product")
    assert loads_records(text, ContrastProduct, table="product", key="id") == records


def test_product_of_a_non_contrast_drug_is_rejected() -> None:
    text = (
        '[[product]]\nid = "x"\nname = "X"\ndrug = "lidocaine"\nintrathecal = false\n'
        'references = ["N2018"]\n'
    )
    with pytest.raises(CatalogError) as caught:
        loads_records(text, ContrastProduct, table="product", key="id")
    assert caught.value.field == "drug"
