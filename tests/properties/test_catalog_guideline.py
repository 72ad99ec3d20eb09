"""Catalogue invariants: fluoroscopic views, and the ASRA 2018 bleeding-risk classes.

The classes follow the 2018 pain guideline list (N2018, ASRA-NEWS19, UTD-RISK; see
/work/shared/domain/contraindications.md, section 1a): neuraxial neuromodulation, intrathecal
pumps, vertebral augmentation and percutaneous decompression are HIGH; epidural steroid
injections, intradiscal procedures, sympathetic, trigeminal and sphenopalatine blocks and
*cervical* facet work are INTERMEDIATE; thoracic and lumbar facet work, peripheral nerve
procedures and stimulation, joints, sacroiliac work and trigger points are LOW.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from interventional import strategies as ivst
from interventional.anatomy.levels import Region
from interventional.imaging.modality import Modality
from interventional.procedures import BleedingRisk, Procedure, default_catalog

BY_CATEGORY = {
    "epidural-steroid-injection": BleedingRisk.INTERMEDIATE,
    "intradiscal": BleedingRisk.INTERMEDIATE,
    "sympathetic-block": BleedingRisk.INTERMEDIATE,
    "cranial-block": BleedingRisk.INTERMEDIATE,
    "intrathecal-drug-delivery": BleedingRisk.HIGH,
    "vertebral-augmentation": BleedingRisk.HIGH,
    "spinal-decompression": BleedingRisk.HIGH,
    "joint-injection": BleedingRisk.LOW,
    "soft-tissue-injection": BleedingRisk.LOW,
    "peripheral-nerve-intervention": BleedingRisk.LOW,
    "sacroiliac-intervention": BleedingRisk.LOW,
}


def guideline_class(procedure: Procedure) -> BleedingRisk | None:
    """The class the 2018 list gives a procedure, by its category (None: not listed)."""
    category = procedure.category.value
    if category in BY_CATEGORY:
        return BY_CATEGORY[category]
    if category == "facet-intervention":
        cervical = Region.CERVICAL in procedure.regions
        return BleedingRisk.INTERMEDIATE if cervical else BleedingRisk.LOW
    if category == "neuromodulation":
        return BleedingRisk.HIGH if procedure.neuraxial else BleedingRisk.LOW
    return None


@settings(max_examples=60, deadline=None)
@given(ivst.procedures())
def test_every_procedure_with_fluoroscopy_has_a_view(procedure: Procedure) -> None:
    if Modality.FLUOROSCOPY in procedure.modalities:
        assert procedure.views, f"{procedure.id} allows fluoroscopy but lists no view"


@settings(max_examples=60, deadline=None)
@given(ivst.procedures())
def test_risk_class_matches_the_guideline_list(procedure: Procedure) -> None:
    expected = guideline_class(procedure)
    assert expected is not None, f"{procedure.id}: category not on the guideline list"
    assert procedure.bleeding_risk is expected


def test_every_category_of_the_catalogue_is_on_the_guideline_list() -> None:
    unlisted = sorted(p.id for p in default_catalog().values() if guideline_class(p) is None)
    assert unlisted == []


def test_cervical_facet_work_outranks_thoracolumbar_facet_work() -> None:
    facet = [p for p in default_catalog().values() if p.category.value == "facet-intervention"]
    cervical = [p for p in facet if Region.CERVICAL in p.regions]
    lower = [p for p in facet if Region.CERVICAL not in p.regions]
    assert cervical
    assert lower
    assert min(p.bleeding_risk for p in cervical) > max(p.bleeding_risk for p in lower)


@given(st.sampled_from(list(BleedingRisk)), st.sampled_from(list(BleedingRisk)))
def test_risk_classes_are_ordered_and_upgrading_keeps_the_order(
    a: BleedingRisk, b: BleedingRisk
) -> None:
    assert list(BleedingRisk) == [BleedingRisk.LOW, BleedingRisk.INTERMEDIATE, BleedingRisk.HIGH]
    assert a.upgraded() >= a
    if a <= b:
        assert a.upgraded() <= b.upgraded()
    if a is not BleedingRisk.HIGH:
        assert a.upgraded() > a
    else:
        assert a.upgraded() is BleedingRisk.HIGH
