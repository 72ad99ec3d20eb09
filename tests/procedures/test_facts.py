"""Facts per procedure, checked against the fact sheets.

Bleeding-risk classes: /work/shared/domain/contraindications.md section 1a (ASRA 2018).
Modalities and ids: /work/shared/design/PROCEDURES.md (the usual modality is the first listed).
"""

from __future__ import annotations

import pytest

from interventional.anatomy.levels import Region
from interventional.imaging.modality import Modality
from interventional.procedures import BleedingRisk, Procedure, default_catalog

F, U, C, L = Modality.FLUOROSCOPY, Modality.ULTRASOUND, Modality.CT, Modality.LANDMARK
LOW, INTERMEDIATE, HIGH = BleedingRisk.LOW, BleedingRisk.INTERMEDIATE, BleedingRisk.HIGH

# id: (ASRA 2018 class, modalities in PROCEDURES.md order, neuraxial, lateralized)
FACTS: dict[str, tuple[BleedingRisk, tuple[Modality, ...], bool, bool]] = {
    "cervical-interlaminar-epidural-injection": (INTERMEDIATE, (F,), True, False),
    "thoracic-interlaminar-epidural-injection": (INTERMEDIATE, (F,), True, False),
    "lumbar-interlaminar-epidural-injection": (INTERMEDIATE, (F,), True, False),
    "caudal-epidural-injection": (INTERMEDIATE, (F, U), True, False),
    "cervical-transforaminal-epidural-injection": (INTERMEDIATE, (F, C), True, True),
    "thoracic-transforaminal-epidural-injection": (INTERMEDIATE, (F, C), True, True),
    "lumbar-transforaminal-epidural-injection": (INTERMEDIATE, (F, C), True, True),
    "sacral-transforaminal-epidural-injection": (INTERMEDIATE, (F,), True, True),
    "cervical-medial-branch-block": (INTERMEDIATE, (F, U), False, True),
    "thoracic-medial-branch-block": (LOW, (F,), False, True),
    "lumbar-medial-branch-block": (LOW, (F,), False, True),
    "cervical-medial-branch-radiofrequency-ablation": (INTERMEDIATE, (F,), False, True),
    "thoracic-medial-branch-radiofrequency-ablation": (LOW, (F,), False, True),
    "lumbar-medial-branch-radiofrequency-ablation": (LOW, (F,), False, True),
    "third-occipital-nerve-block": (INTERMEDIATE, (F, U), False, True),
    "cervical-facet-joint-injection": (INTERMEDIATE, (F,), False, True),
    "lumbar-facet-joint-injection": (LOW, (F, C), False, True),
    "sacroiliac-joint-injection": (LOW, (F, U), False, True),
    "sacral-lateral-branch-block": (LOW, (F,), False, True),
    "sacral-lateral-branch-radiofrequency-ablation": (LOW, (F,), False, True),
    "stellate-ganglion-block": (INTERMEDIATE, (U, F), False, True),
    "thoracic-sympathetic-block": (INTERMEDIATE, (F, C), False, True),
    "splanchnic-nerve-block": (INTERMEDIATE, (F, C), False, True),
    "celiac-plexus-block": (INTERMEDIATE, (F, C, U), False, False),
    "lumbar-sympathetic-block": (INTERMEDIATE, (F,), False, True),
    "superior-hypogastric-plexus-block": (INTERMEDIATE, (F, C), False, False),
    "ganglion-impar-block": (INTERMEDIATE, (F,), False, False),
    "trigeminal-ganglion-block": (INTERMEDIATE, (F,), False, True),
    "sphenopalatine-ganglion-block": (INTERMEDIATE, (F, L), False, True),
    "greater-occipital-nerve-block": (LOW, (U, L), False, True),
    "genicular-nerve-block": (LOW, (U, F), False, True),
    "genicular-nerve-radiofrequency-ablation": (LOW, (F, U), False, True),
    "suprascapular-nerve-block": (LOW, (U,), False, True),
    "knee-joint-injection": (LOW, (U, L), False, True),
    "hip-joint-injection": (LOW, (F, U), False, True),
    "shoulder-joint-injection": (LOW, (U, F), False, True),
    "trigger-point-injection": (LOW, (L, U), False, True),
    "piriformis-injection": (LOW, (U, F), False, True),
    "lumbar-discography": (INTERMEDIATE, (F,), True, False),
    "spinal-cord-stimulator-trial": (HIGH, (F,), True, False),
    "spinal-cord-stimulator-implant": (HIGH, (F,), True, False),
    "dorsal-root-ganglion-stimulation": (HIGH, (F,), True, True),
    "intrathecal-drug-delivery-implant": (HIGH, (F,), True, False),
    "vertebral-augmentation": (HIGH, (F,), False, False),
    "percutaneous-lumbar-decompression": (HIGH, (F,), True, False),
    "peripheral-nerve-stimulation-trial": (LOW, (U,), False, True),
}


def get(ident: str) -> Procedure:
    return default_catalog()[ident]


def test_every_required_id_is_in_the_catalogue() -> None:
    missing = [ident for ident in FACTS if ident not in default_catalog()]
    assert missing == []


@pytest.mark.parametrize("ident", sorted(FACTS))
def test_bleeding_risk_matches_asra_2018(ident: str) -> None:
    assert get(ident).bleeding_risk is FACTS[ident][0]


@pytest.mark.parametrize("ident", sorted(FACTS))
def test_modalities_and_usual_modality(ident: str) -> None:
    procedure = get(ident)
    listed = FACTS[ident][1]
    assert set(listed) <= procedure.modalities
    assert procedure.usual_modality is listed[0]


@pytest.mark.parametrize("ident", sorted(FACTS))
def test_neuraxial_and_lateralized(ident: str) -> None:
    procedure = get(ident)
    assert (procedure.neuraxial, procedure.lateralized) == FACTS[ident][2:]


@pytest.mark.parametrize("ident", sorted(FACTS))
def test_cites_the_bleeding_risk_source(ident: str) -> None:
    keys = {ref.key for ref in get(ident).references}
    assert keys & {"N2018", "UTD-RISK", "ASRA-NEWS19"}


@pytest.mark.parametrize("ident", sorted(FACTS))
def test_fluoroscopic_views_only_where_fluoroscopy_applies(ident: str) -> None:
    procedure = get(ident)
    if procedure.views:
        assert Modality.FLUOROSCOPY in procedure.modalities


def test_radiofrequency_procedures_use_an_rf_cannula_with_an_active_tip() -> None:
    from interventional.procedures import Technique

    for procedure in default_catalog().values():
        if procedure.technique is Technique.RADIOFREQUENCY_ABLATION and procedure.needle:
            assert procedure.needle.type.value == "rf-cannula"
            assert procedure.needle.active_tip is not None


def test_cervical_interlaminar_levels_follow_rathmell() -> None:
    # R2015 consideration R3: C7-T1 recommended, preferably no higher than C6-C7.
    levels = [
        str(level) for level in default_catalog()["cervical-interlaminar-epidural-injection"].levels
    ]
    assert levels == ["C6-C7", "C7-T1"]


def test_regions() -> None:
    catalog = default_catalog()
    assert catalog["lumbar-medial-branch-block"].regions == {Region.LUMBAR}
    assert catalog["spinal-cord-stimulator-trial"].regions == {Region.CERVICAL, Region.THORACIC}
    assert catalog["knee-joint-injection"].regions == frozenset()


def test_thoracolumbar_facet_work_moved_down_but_cervical_did_not() -> None:
    # ASRA-NEWS19: thoracic and lumbar facet MBNB and RFA moved to LOW in 2018.
    catalog = default_catalog()
    assert (
        catalog["lumbar-medial-branch-block"].bleeding_risk
        < catalog["cervical-medial-branch-block"].bleeding_risk
    )


def test_lumbar_transforaminal_dexamethasone_is_first_line() -> None:
    injectates = default_catalog()["lumbar-transforaminal-epidural-injection"].injectates
    assert injectates[0].drug == "dexamethasone"
    assert str(injectates[0].amount) == "8-12 mg"


def test_contrast_volume_follows_the_advisory_summary() -> None:
    # EFIC-CONTRAST: about 1.5-3 mL per injection for epidural injections.
    for procedure in default_catalog().values():
        for injectate in procedure.injectates:
            if injectate.drug == "iohexol" and injectate.volume is not None:
                assert injectate.references
                if procedure.neuraxial:
                    assert str(injectate.volume) == "1.5-3 mL"
                    assert "EFIC-CONTRAST" in {ref.key for ref in injectate.references}


def test_every_injectate_figure_cites_a_source() -> None:
    for procedure in default_catalog().values():
        for injectate in procedure.injectates:
            if injectate.volume is not None or injectate.amount is not None:
                assert injectate.references, (procedure.id, injectate.drug)


def test_every_injectate_drug_is_in_the_vocabulary() -> None:
    from interventional.pharmacology import drug

    for procedure in default_catalog().values():
        for injectate in procedure.injectates:
            assert drug(injectate.drug).name == injectate.drug


# One plan per procedure and the atlas structures it must target (anatomy_imaging.md
# section 2: lumbar Lx-Ly facet by the L(x-1) and Lx medial branches; cervical C3-C4 to
# C7-T1 by the medial branches above and below; thoracic by the level above and the same
# level; cervical nerves exit above their vertebra (C6 through C5-C6), thoracic and lumbar
# below (L3 through L3-L4); the sympathetic and peripheral targets of the landmark table).
TARGETS: dict[str, tuple[dict[str, object], list[str]]] = {
    "cervical-interlaminar-epidural-injection": (
        {"levels": ["C7-T1"]},
        ["epidural-space:cervical"],
    ),
    "thoracic-interlaminar-epidural-injection": (
        {"levels": ["T7-T8"]},
        ["epidural-space:thoracic"],
    ),
    "lumbar-interlaminar-epidural-injection": ({"levels": ["L3-L4"]}, ["epidural-space:lumbar"]),
    "caudal-epidural-injection": ({}, ["sacral-hiatus", "epidural-space:sacral"]),
    "cervical-transforaminal-epidural-injection": (
        {"levels": ["C5-C6"], "side": "left"},
        ["intervertebral-foramen:C5-C6:left", "spinal-nerve:C6:left"],
    ),
    "thoracic-transforaminal-epidural-injection": (
        {"levels": ["T7-T8"], "side": "left"},
        ["intervertebral-foramen:T7-T8:left", "spinal-nerve:T7:left"],
    ),
    "lumbar-transforaminal-epidural-injection": (
        {"levels": ["L3-L4"], "side": "left"},
        ["intervertebral-foramen:L3-L4:left", "spinal-nerve:L3:left"],
    ),
    "sacral-transforaminal-epidural-injection": (
        {"levels": ["S1"], "side": "left"},
        ["sacral-foramen:S1:left", "spinal-nerve:S1:left"],
    ),
    "cervical-medial-branch-block": (
        {"levels": ["C5-C6"], "side": "left"},
        ["medial-branch:C5:left", "medial-branch:C6:left"],
    ),
    "thoracic-medial-branch-block": (
        {"levels": ["T7-T8"], "side": "left"},
        ["medial-branch:T6:left", "medial-branch:T7:left"],
    ),
    "lumbar-medial-branch-block": (
        {"levels": ["L3-L4"], "side": "left"},
        ["medial-branch:L2:left", "medial-branch:L3:left"],
    ),
    "cervical-medial-branch-radiofrequency-ablation": (
        {"levels": ["C5-C6"], "side": "left"},
        ["medial-branch:C5:left", "medial-branch:C6:left"],
    ),
    "thoracic-medial-branch-radiofrequency-ablation": (
        {"levels": ["T7-T8"], "side": "left"},
        ["medial-branch:T6:left", "medial-branch:T7:left"],
    ),
    "lumbar-medial-branch-radiofrequency-ablation": (
        {"levels": ["L3-L4"], "side": "left"},
        ["medial-branch:L2:left", "medial-branch:L3:left"],
    ),
    "third-occipital-nerve-block": ({"side": "left"}, ["third-occipital-nerve:left"]),
    "cervical-facet-joint-injection": (
        {"levels": ["C5-C6"], "side": "left"},
        ["facet-joint:C5-C6:left"],
    ),
    "lumbar-facet-joint-injection": (
        {"levels": ["L3-L4"], "side": "left"},
        ["facet-joint:L3-L4:left"],
    ),
    "sacroiliac-joint-injection": ({"side": "left"}, ["sacroiliac-joint:left"]),
    "sacral-lateral-branch-block": ({"levels": ["S2"], "side": "left"}, ["lateral-branch:S2:left"]),
    "sacral-lateral-branch-radiofrequency-ablation": (
        {"levels": ["S2"], "side": "left"},
        ["lateral-branch:S2:left"],
    ),
    "stellate-ganglion-block": ({"levels": ["C7"], "side": "left"}, ["stellate-ganglion:left"]),
    "thoracic-sympathetic-block": (
        {"levels": ["T3"], "side": "left"},
        ["thoracic-sympathetic-chain:left"],
    ),
    "splanchnic-nerve-block": ({"levels": ["T12"], "side": "left"}, ["splanchnic-nerve:left"]),
    "celiac-plexus-block": ({}, ["celiac-plexus"]),
    "lumbar-sympathetic-block": (
        {"levels": ["L3"], "side": "left"},
        ["lumbar-sympathetic-chain:left"],
    ),
    "superior-hypogastric-plexus-block": ({}, ["superior-hypogastric-plexus"]),
    "ganglion-impar-block": ({}, ["ganglion-impar"]),
    "trigeminal-ganglion-block": ({"side": "left"}, ["trigeminal-ganglion:left"]),
    "sphenopalatine-ganglion-block": ({"side": "left"}, ["sphenopalatine-ganglion:left"]),
    "greater-occipital-nerve-block": ({"side": "left"}, ["greater-occipital-nerve:left"]),
    "genicular-nerve-block": (
        {"side": "left"},
        [
            "genicular-nerve:inferomedial:left",
            "genicular-nerve:superolateral:left",
            "genicular-nerve:superomedial:left",
        ],
    ),
    "genicular-nerve-radiofrequency-ablation": (
        {"side": "left"},
        [
            "genicular-nerve:inferomedial:left",
            "genicular-nerve:superolateral:left",
            "genicular-nerve:superomedial:left",
        ],
    ),
    "suprascapular-nerve-block": ({"side": "left"}, ["suprascapular-nerve:left"]),
    "knee-joint-injection": ({"side": "left"}, ["knee-joint:left"]),
    "hip-joint-injection": ({"side": "left"}, ["hip-joint:left"]),
    "shoulder-joint-injection": ({"side": "left"}, ["shoulder-joint:left"]),
    "trigger-point-injection": ({"side": "left", "target": "trapezius"}, ["muscle:trapezius:left"]),
    "piriformis-injection": ({"side": "left"}, ["muscle:piriformis:left"]),
    "lumbar-discography": ({"levels": ["L3-L4"]}, ["intervertebral-disc:L3-L4"]),
    "spinal-cord-stimulator-trial": ({"levels": ["T3"]}, ["epidural-space:thoracic"]),
    "spinal-cord-stimulator-implant": ({"levels": ["T3"]}, ["epidural-space:thoracic"]),
    "dorsal-root-ganglion-stimulation": (
        {"levels": ["L4"], "side": "left"},
        ["dorsal-root-ganglion:L4:left"],
    ),
    "peripheral-nerve-stimulation-trial": (
        {"side": "left", "target": "suprascapular-nerve"},
        ["suprascapular-nerve:left"],
    ),
    "intrathecal-drug-delivery-implant": ({"levels": ["L4-L5"]}, ["subarachnoid-space:lumbar"]),
    "vertebral-augmentation": ({"levels": ["T9"]}, ["vertebra:T9"]),
    "percutaneous-lumbar-decompression": ({"levels": ["L3-L4"]}, ["ligamentum-flavum:L3-L4"]),
}


def test_the_target_table_covers_every_procedure() -> None:
    assert set(TARGETS) == set(default_catalog())


@pytest.mark.parametrize("ident", sorted(TARGETS))
def test_targets_per_procedure(ident: str) -> None:
    from interventional.procedures import plan

    kwargs, expected = TARGETS[ident]
    assert [s.id for s in plan(ident, **kwargs).targets] == expected  # type: ignore[arg-type]
