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
    # Round two (issue 18 item 4). Classes: the ASRA 2018 rows below, or the inference each
    # record's bleeding_risk_basis gives (see INFERRED).
    "epidural-blood-patch": (INTERMEDIATE, (L, F), True, False),
    "epiduroscopy": (HIGH, (F,), True, False),
    "percutaneous-epidural-adhesiolysis": (HIGH, (F,), True, False),
    "intrathecal-drug-trial": (HIGH, (F,), True, False),
    "intrathecal-pump-refill": (LOW, (L, U, F), False, False),
    "intrathecal-pump-replacement": (LOW, (L,), False, False),
    "implanted-pulse-generator-replacement": (LOW, (L,), False, False),
    "pulse-generator-pocket-revision": (LOW, (L,), False, False),
    "peripheral-nerve-stimulator-implant": (LOW, (U,), False, True),
    "occipital-nerve-stimulation": (LOW, (F,), False, True),
    "thoracic-paravertebral-block": (INTERMEDIATE, (U, L), False, True),
    "intercostal-nerve-block": (LOW, (U, L), False, True),
    "intercostal-nerve-radiofrequency-ablation": (LOW, (F, U), False, True),
    "erector-spinae-plane-block": (LOW, (U,), False, True),
    "pudendal-nerve-block": (LOW, (U, F, C), False, True),
    "ilioinguinal-iliohypogastric-nerve-block": (LOW, (U, L), False, True),
    "lateral-femoral-cutaneous-nerve-block": (LOW, (U, L), False, True),
    "bier-block": (LOW, (L,), False, True),
    "genicular-nerve-cooled-radiofrequency-ablation": (LOW, (F, U), False, True),
    "genicular-nerve-pulsed-radiofrequency": (LOW, (U, F), False, True),
    "hip-articular-branch-radiofrequency-ablation": (LOW, (F, U), False, True),
    "hip-articular-branch-cooled-radiofrequency-ablation": (LOW, (F, U), False, True),
    "hip-articular-branch-pulsed-radiofrequency": (LOW, (F, U), False, True),
    "suprascapular-nerve-radiofrequency-ablation": (LOW, (U, F), False, True),
    "suprascapular-nerve-pulsed-radiofrequency": (LOW, (U, F), False, True),
    "basivertebral-nerve-ablation": (HIGH, (F,), False, False),
    "intradiscal-electrothermal-therapy": (INTERMEDIATE, (F,), True, False),
    "intradiscal-biacuplasty": (INTERMEDIATE, (F,), True, False),
    "lumbar-intradiscal-injection": (INTERMEDIATE, (F,), True, False),
    "vertebroplasty": (HIGH, (F,), False, False),
    "kyphoplasty": (HIGH, (F,), False, False),
    "sacroplasty": (HIGH, (F, C), False, False),
    "trigeminal-radiofrequency-rhizotomy": (INTERMEDIATE, (F, C), False, True),
    "glossopharyngeal-nerve-block": (INTERMEDIATE, (L,), False, True),
    "lumbar-sympathetic-radiofrequency-ablation": (INTERMEDIATE, (F,), False, True),
    "splanchnic-nerve-radiofrequency-ablation": (INTERMEDIATE, (F, C), False, True),
    "dorsal-root-ganglion-pulsed-radiofrequency": (INTERMEDIATE, (F, U), True, True),
}

# The procedure table of ASRA 2018 (Narouze et al. 2018, table 1; domain sheet
# contraindications.md 1a; UTD-RISK reproduces most rows): row -> class.
ASRA_2018_ROWS: dict[str, BleedingRisk] = {
    "SCS trial and implant": HIGH,
    "DRG stimulation trial and implant": HIGH,
    "Intrathecal catheter and pump implant": HIGH,
    "Vertebral augmentation (vertebroplasty and kyphoplasty)": HIGH,
    "Percutaneous decompression laminotomy": HIGH,
    "Epiduroscopy and epidural decompression": HIGH,
    "Interlaminar ESIs (C, T, L, S)": INTERMEDIATE,
    "Transforaminal ESIs (C, T, L, S)": INTERMEDIATE,
    "Cervical facet MBNB and RFA": INTERMEDIATE,
    "Intradiscal procedures (C, T, L)": INTERMEDIATE,
    "Sympathetic blocks (stellate, thoracic, splanchnic, celiac, lumbar, hypogastric)": INTERMEDIATE,
    "Trigeminal and sphenopalatine ganglia blocks": INTERMEDIATE,
    "Peripheral nerve blocks": LOW,
    "Peripheral joints and musculoskeletal injections": LOW,
    "Trigger point injections including piriformis injection": LOW,
    "Sacroiliac joint injection and sacral lateral branch blocks": LOW,
    "Thoracic and lumbar facet MBNB and RFA": LOW,
    "PNS trial and implant": LOW,
    "Pocket revision and IPG/ITP replacement": LOW,
}

# Procedures the table does not name (or names only by a mapping, such as caudal = the sacral
# interlaminar route): their class is an inference the record explains.
INFERRED = {
    "caudal-epidural-injection",
    "third-occipital-nerve-block",
    "cervical-facet-joint-injection",
    "lumbar-facet-joint-injection",
    "sacral-lateral-branch-radiofrequency-ablation",
    "ganglion-impar-block",
    "genicular-nerve-radiofrequency-ablation",
    "epidural-blood-patch",
    "percutaneous-epidural-adhesiolysis",
    "intrathecal-drug-trial",
    "intrathecal-pump-refill",
    "occipital-nerve-stimulation",
    "thoracic-paravertebral-block",
    "intercostal-nerve-radiofrequency-ablation",
    "erector-spinae-plane-block",
    "bier-block",
    "genicular-nerve-cooled-radiofrequency-ablation",
    "genicular-nerve-pulsed-radiofrequency",
    "hip-articular-branch-radiofrequency-ablation",
    "hip-articular-branch-cooled-radiofrequency-ablation",
    "hip-articular-branch-pulsed-radiofrequency",
    "suprascapular-nerve-radiofrequency-ablation",
    "suprascapular-nerve-pulsed-radiofrequency",
    "basivertebral-nerve-ablation",
    "sacroplasty",
    "trigeminal-radiofrequency-rhizotomy",
    "glossopharyngeal-nerve-block",
    "lumbar-sympathetic-radiofrequency-ablation",
    "splanchnic-nerve-radiofrequency-ablation",
    "dorsal-root-ganglion-pulsed-radiofrequency",
}


def get(ident: str) -> Procedure:
    return default_catalog()[ident]


def test_the_catalogue_covers_practice() -> None:
    # Issue 18 item 4: at least 75 procedures.
    assert len(default_catalog()) >= 75
    assert set(FACTS) == set(default_catalog())


@pytest.mark.parametrize("ident", sorted(FACTS))
def test_bleeding_risk_basis_names_a_row_or_gives_the_reasoning(ident: str) -> None:
    basis = get(ident).bleeding_risk_basis
    assert basis is not None
    assert basis.is_inferred is (ident in INFERRED)
    if basis.row:
        assert basis.row in ASRA_2018_ROWS, basis.row
    if not basis.is_inferred:
        assert ASRA_2018_ROWS[basis.row] is FACTS[ident][0]
    assert {ref.key for ref in basis.references} & {"N2018", "UTD-RISK"}


def test_inferred_classes_follow_the_row_they_are_likened_to() -> None:
    # An inference that names a row takes that row's class; the three without a row
    # (paravertebral, glossopharyngeal, Bier block) say why in their own words.
    no_row = set()
    for ident in INFERRED:
        basis = get(ident).bleeding_risk_basis
        assert basis is not None
        if basis.row:
            assert ASRA_2018_ROWS[basis.row] is FACTS[ident][0], ident
        else:
            no_row.add(ident)
    assert no_row == {"thoracic-paravertebral-block", "glossopharyngeal-nerve-block", "bier-block"}


def test_paravertebral_block_is_above_the_peripheral_blocks() -> None:
    # UTD-RISK: non-compressible blocks such as paravertebral "may be considered higher risk";
    # CPA-2015: paravertebral blocks intermediate in the 2015 edition.
    catalog = default_catalog()
    assert catalog["tpvb"].bleeding_risk > catalog["intercostal-nerve-block"].bleeding_risk


def test_vertebroplasty_and_kyphoplasty_are_two_and_the_umbrella_stays() -> None:
    catalog = default_catalog()
    assert catalog["vertebroplasty"].id == "vertebroplasty"
    assert catalog["kyphoplasty"].id == "kyphoplasty"
    umbrella = catalog["vertebral-augmentation"]
    assert "vertebroplasty" not in umbrella.aliases
    for ident in ("vertebroplasty", "kyphoplasty", "vertebral-augmentation", "sacroplasty"):
        assert catalog[ident].bleeding_risk is HIGH


def test_pocket_work_is_low_but_the_implant_it_serves_is_high() -> None:
    # N2018 / UTD-RISK: pocket revision and IPG/ITP replacement low; the implants high.
    catalog = default_catalog()
    for ident in ("itp-refill", "itp-replacement", "ipg-replacement", "pocket-revision"):
        assert catalog[ident].bleeding_risk is LOW
    assert catalog["intrathecal-pump"].bleeding_risk is HIGH
    assert catalog["scs-implant"].bleeding_risk is HIGH


# Typical durations: only where a source states one (the upper bound of a stated range).
DURATIONS: dict[str, int] = {  # minutes
    "lumbar-interlaminar-epidural-injection": 30,  # PT-ESI-DURATION: 15-30 min
    "lumbar-transforaminal-epidural-injection": 30,  # PT-ESI-DURATION: 15-30 min
    "lumbar-medial-branch-block": 30,  # PT-MBB-DURATION
    "lumbar-medial-branch-radiofrequency-ablation": 30,  # PT-RFA-DURATION
    "stellate-ganglion-block": 30,  # PT-SGB-DURATION
    "genicular-nerve-radiofrequency-ablation": 30,  # PT-GRFA-DURATION
    "genicular-nerve-cooled-radiofrequency-ablation": 15,  # PT-CRFA-DURATION: 10-15 min
    "spinal-cord-stimulator-trial": 45,  # PT-SCS-TRIAL-DURATION: 30-45 min
    "spinal-cord-stimulator-implant": 180,  # PT-SCS-IMPLANT-DURATION: 1-3 h
    "intrathecal-drug-delivery-implant": 180,  # MEDTRONIC-ITP: 1-3 h
    "intrathecal-drug-trial": 120,  # MEDTRONIC-ITP: 1-2 h
    "vertebroplasty": 60,  # NM-AUGMENTATION: about an hour
    "kyphoplasty": 120,  # TEXAS-KYPHOPLASTY: 1-2 h per level
    "sacroplasty": 35,  # BALLOON-SACROPLASTY-2016: mean operation time
}


def test_typical_durations_are_the_sourced_ones_and_no_others() -> None:
    from datetime import timedelta

    found = {
        ident: p.typical_duration
        for ident, p in default_catalog().items()
        if p.typical_duration is not None
    }
    assert found == {ident: timedelta(minutes=m) for ident, m in DURATIONS.items()}
    for ident in DURATIONS:
        assert get(ident).typical_duration_references


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

    radiofrequency = {
        Technique.RADIOFREQUENCY_ABLATION,
        Technique.COOLED_RADIOFREQUENCY_ABLATION,
        Technique.PULSED_RADIOFREQUENCY,
    }
    for procedure in default_catalog().values():
        if procedure.technique in radiofrequency and procedure.needle:
            assert procedure.needle.type.value == "rf-cannula"
            assert procedure.needle.active_tip is not None


def test_cervical_interlaminar_levels_are_the_practised_ones_and_the_rule_flags_c5_c6() -> None:
    # R2015 consideration R3: C7-T1 recommended, preferably no higher than C6-C7; practice
    # also enters at C5-C6 (KJP-2024-CEB, IASP-ILCEI-12168), which the safety rule flags.
    from datetime import datetime

    from interventional.procedures import plan
    from interventional.safety import Patient, assess

    procedure = default_catalog()["cervical-interlaminar-epidural-injection"]
    assert [str(level) for level in procedure.levels] == ["C5-C6", "C6-C7", "C7-T1"]
    at = datetime(2026, 3, 10, 9, 0)
    high = assess(Patient(age=50), plan(procedure, levels=["C5-C6"]), at=at)
    low = assess(Patient(age=50), plan(procedure, levels=["C7-T1"]), at=at)
    assert high.by_code("rule:esi-cervical-interlaminar-level")
    assert not low.by_code("rule:esi-cervical-interlaminar-level")


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
    # Round two.
    "epidural-blood-patch": ({"levels": ["L3-L4"]}, ["epidural-space:lumbar"]),
    "epiduroscopy": ({}, ["sacral-hiatus", "epidural-space:sacral", "epidural-space:lumbar"]),
    "percutaneous-epidural-adhesiolysis": (
        {},
        ["sacral-hiatus", "epidural-space:sacral", "epidural-space:lumbar"],
    ),
    "intrathecal-drug-trial": ({"levels": ["L3-L4"]}, ["subarachnoid-space:lumbar"]),
    "intrathecal-pump-refill": ({}, ["abdominal-wall"]),
    "intrathecal-pump-replacement": ({}, ["abdominal-wall"]),
    "implanted-pulse-generator-replacement": (
        {"target": "gluteal-region:left"},
        ["gluteal-region:left"],
    ),
    "pulse-generator-pocket-revision": ({"target": "abdominal-wall"}, ["abdominal-wall"]),
    "peripheral-nerve-stimulator-implant": (
        {"side": "left", "target": "greater-occipital-nerve"},
        ["greater-occipital-nerve:left"],
    ),
    "occipital-nerve-stimulation": (
        {"side": "right"},
        ["greater-occipital-nerve:right", "lesser-occipital-nerve:right"],
    ),
    # The paravertebral space at T5 holds the T5 spinal nerve (thoracic nerves below their
    # vertebra); the T5 intercostal nerve is the T5 ventral ramus.
    "thoracic-paravertebral-block": (
        {"levels": ["T5"], "side": "left"},
        ["paravertebral-space:T5:left", "spinal-nerve:T5:left"],
    ),
    "intercostal-nerve-block": ({"levels": ["T6"], "side": "left"}, ["intercostal-nerve:T6:left"]),
    "intercostal-nerve-radiofrequency-ablation": (
        {"levels": ["T6"], "side": "left"},
        ["intercostal-nerve:T6:left"],
    ),
    "erector-spinae-plane-block": (
        {"levels": ["T5"], "side": "left"},
        ["erector-spinae-plane:T5:left"],
    ),
    "pudendal-nerve-block": ({"side": "left"}, ["pudendal-nerve:left"]),
    "ilioinguinal-iliohypogastric-nerve-block": (
        {"side": "left"},
        ["ilioinguinal-nerve:left", "iliohypogastric-nerve:left"],
    ),
    "lateral-femoral-cutaneous-nerve-block": (
        {"side": "left"},
        ["lateral-femoral-cutaneous-nerve:left"],
    ),
    "bier-block": ({"side": "left", "target": "upper"}, ["limb:upper:left"]),
    "genicular-nerve-cooled-radiofrequency-ablation": (
        {"side": "left"},
        [
            "genicular-nerve:inferomedial:left",
            "genicular-nerve:superolateral:left",
            "genicular-nerve:superomedial:left",
        ],
    ),
    "genicular-nerve-pulsed-radiofrequency": (
        {"side": "left"},
        [
            "genicular-nerve:inferomedial:left",
            "genicular-nerve:superolateral:left",
            "genicular-nerve:superomedial:left",
        ],
    ),
    # SHORT-2018: the anterior hip capsule from the femoral and obturator nerves, and the
    # accessory obturator nerve where present.
    "hip-articular-branch-radiofrequency-ablation": (
        {"side": "left"},
        [
            "hip-articular-branch:accessory-obturator:left",
            "hip-articular-branch:femoral:left",
            "hip-articular-branch:obturator:left",
        ],
    ),
    "hip-articular-branch-cooled-radiofrequency-ablation": (
        {"side": "right"},
        [
            "hip-articular-branch:accessory-obturator:right",
            "hip-articular-branch:femoral:right",
            "hip-articular-branch:obturator:right",
        ],
    ),
    "hip-articular-branch-pulsed-radiofrequency": (
        {"side": "left"},
        [
            "hip-articular-branch:accessory-obturator:left",
            "hip-articular-branch:femoral:left",
            "hip-articular-branch:obturator:left",
        ],
    ),
    "suprascapular-nerve-radiofrequency-ablation": ({"side": "left"}, ["suprascapular-nerve:left"]),
    "suprascapular-nerve-pulsed-radiofrequency": ({"side": "left"}, ["suprascapular-nerve:left"]),
    "basivertebral-nerve-ablation": ({"levels": ["L5"]}, ["basivertebral-nerve:L5"]),
    "intradiscal-electrothermal-therapy": ({"levels": ["L4-L5"]}, ["intervertebral-disc:L4-L5"]),
    "intradiscal-biacuplasty": ({"levels": ["L4-L5"]}, ["intervertebral-disc:L4-L5"]),
    "lumbar-intradiscal-injection": ({"levels": ["L5-S1"]}, ["intervertebral-disc:L5-S1"]),
    "vertebroplasty": ({"levels": ["L1"]}, ["vertebra:L1"]),
    "kyphoplasty": ({"levels": ["T12"]}, ["vertebra:T12"]),
    "sacroplasty": ({}, ["sacrum"]),
    "trigeminal-radiofrequency-rhizotomy": ({"side": "right"}, ["trigeminal-ganglion:right"]),
    "glossopharyngeal-nerve-block": ({"side": "left"}, ["glossopharyngeal-nerve:left"]),
    "lumbar-sympathetic-radiofrequency-ablation": (
        {"levels": ["L3"], "side": "left"},
        ["lumbar-sympathetic-chain:left"],
    ),
    "splanchnic-nerve-radiofrequency-ablation": (
        {"levels": ["T11"], "side": "right"},
        ["splanchnic-nerve:right"],
    ),
    "dorsal-root-ganglion-pulsed-radiofrequency": (
        {"levels": ["L5"], "side": "left"},
        ["dorsal-root-ganglion:L5:left"],
    ),
}


def test_the_target_table_covers_every_procedure() -> None:
    assert set(TARGETS) == set(default_catalog())


@pytest.mark.parametrize("ident", sorted(TARGETS))
def test_targets_per_procedure(ident: str) -> None:
    from interventional.procedures import plan

    kwargs, expected = TARGETS[ident]
    assert [s.id for s in plan(ident, **kwargs).targets] == expected  # type: ignore[arg-type]
