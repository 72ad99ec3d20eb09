"""Facts of the default atlas, region by region, with every exception of the fact sheet."""

from __future__ import annotations

import pytest

from interventional.anatomy import (
    Atlas,
    Relation,
    Segment,
    Side,
    StructureKind,
    VertebralLevel,
    default_atlas,
)


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    return default_atlas()


def ids(structures: object) -> list[str]:
    return sorted(s.id for s in structures)  # type: ignore[attr-defined]


# --- Facet-joint innervation --------------------------------------------------------------


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize(
    ("segment", "nerves"),
    [
        # lumbar: medial branches of L(x-1) and Lx
        ("L1-L2", ["medial-branch:L1", "medial-branch:T12"]),
        ("L3-L4", ["medial-branch:L2", "medial-branch:L3"]),
        ("L4-L5", ["medial-branch:L3", "medial-branch:L4"]),
        # the lumbosacral exception: L4 medial branch and the L5 dorsal ramus
        ("L5-S1", ["dorsal-ramus:L5", "medial-branch:L4"]),
        # cervical: same-numbered levels above and below
        ("C3-C4", ["medial-branch:C3", "medial-branch:C4"]),
        ("C5-C6", ["medial-branch:C5", "medial-branch:C6"]),
        ("C7-T1", ["medial-branch:C7", "medial-branch:C8"]),
        # the C2-C3 exception: the third occipital nerve
        ("C2-C3", ["third-occipital-nerve"]),
        # thoracic: level above and same level, like the lumbar pattern
        ("T1-T2", ["medial-branch:C8", "medial-branch:T1"]),
        ("T5-T6", ["medial-branch:T4", "medial-branch:T5"]),
        ("T12-L1", ["medial-branch:T11", "medial-branch:T12"]),
    ],
)
def test_facet_joint_innervation(atlas: Atlas, segment: str, nerves: list[str], side: str) -> None:
    joint = f"facet-joint:{segment}:{side}"
    assert ids(atlas.innervation(joint)) == [f"{n}:{side}" for n in nerves]


def test_every_facet_innervation_edge_cites_a_source(atlas: Atlas) -> None:
    for (_, target, relation), edge in atlas._edges.items():
        if relation is Relation.INNERVATES and target.startswith("facet-joint"):
            keys = {ref.key for ref in edge.references}
            assert {"BOGDUK", "SIS-GUIDELINES"} <= keys


def test_thoracic_uncertainty_is_documented(atlas: Atlas) -> None:
    data = atlas.graph.edges["medial-branch:T4:left", "facet-joint:T5-T6:left", Relation.INNERVATES]
    assert "TALSMA-2024" in data["note"]
    assert "CHUA-BOGDUK-1995" in {ref.key for ref in data["references"]}


def test_third_occipital_nerve_is_c3_dorsal_ramus_branch(atlas: Atlas) -> None:
    assert ids(atlas.related("third-occipital-nerve:left", Relation.BRANCH_OF)) == [
        "dorsal-ramus:C3:left"
    ]


def test_medial_branch_supplies_two_joints(atlas: Atlas) -> None:
    assert ids(atlas.innervated_by("medial-branch:L3:left")) == [
        "facet-joint:L3-L4:left",
        "facet-joint:L4-L5:left",
    ]
    assert ids(atlas.innervated_by("dorsal-ramus:L5:right")) == [
        "facet-joint:L5-S1:right",
        "sacroiliac-joint:right",
    ]


def test_lumbar_medial_branch_lies_on_the_vertebra_below(atlas: Atlas) -> None:
    assert "vertebra:L4" in ids(atlas.related("medial-branch:L3:left", Relation.ADJACENT_TO))
    assert "vertebra:S1" in ids(atlas.related("dorsal-ramus:L5:left", Relation.ADJACENT_TO))


def test_sacroiliac_joint_supply(atlas: Atlas) -> None:
    assert ids(atlas.innervation("sacroiliac-joint:left")) == [
        "dorsal-ramus:L5:left",
        "dorsal-ramus:S4:left",
        "lateral-branch:S1:left",
        "lateral-branch:S2:left",
        "lateral-branch:S3:left",
    ]
    data = atlas.graph.edges["dorsal-ramus:S4:left", "sacroiliac-joint:left", Relation.INNERVATES]
    assert "often" in data["note"]


# --- Foramina and exiting nerves ----------------------------------------------------------


@pytest.mark.parametrize(
    ("nerve", "foramen"),
    [
        ("C2", "intervertebral-foramen:C1-C2"),
        ("C5", "intervertebral-foramen:C4-C5"),
        ("C8", "intervertebral-foramen:C7-T1"),
        ("T1", "intervertebral-foramen:T1-T2"),
        ("L4", "intervertebral-foramen:L4-L5"),
        ("L5", "intervertebral-foramen:L5-S1"),
        ("S1", "sacral-foramen:S1"),
        ("S4", "sacral-foramen:S4"),
    ],
)
@pytest.mark.parametrize("side", ["left", "right"])
def test_spinal_nerve_exits(atlas: Atlas, nerve: str, foramen: str, side: str) -> None:
    assert ids(atlas.related(f"spinal-nerve:{nerve}:{side}", Relation.EXITS_THROUGH)) == [
        f"{foramen}:{side}"
    ]


def test_lowest_nerves_leave_through_the_sacral_hiatus(atlas: Atlas) -> None:
    assert ids(atlas.related("sacral-hiatus", Relation.EXITS_THROUGH, "in")) == [
        "spinal-nerve:Co1:left",
        "spinal-nerve:Co1:right",
        "spinal-nerve:S5:left",
        "spinal-nerve:S5:right",
    ]
    assert atlas.related("spinal-nerve:C1:left", Relation.EXITS_THROUGH) == frozenset()


def test_c8_level_convention(atlas: Atlas) -> None:
    assert atlas["spinal-nerve:C8:left"].level == Segment.parse("C7-T1")
    assert atlas["medial-branch:C8:left"].level == Segment.parse("C7-T1")
    assert atlas["spinal-nerve:C7:left"].level == VertebralLevel.parse("C7")


def test_dorsal_root_ganglion_lies_in_its_foramen(atlas: Atlas) -> None:
    assert "intervertebral-foramen:L4-L5:left" in ids(
        atlas.related("dorsal-root-ganglion:L4:left", Relation.ADJACENT_TO)
    )


# --- What the atlas holds ----------------------------------------------------------------


def test_inventory(atlas: Atlas) -> None:
    assert len(atlas.find(kind="vertebra")) == 30
    assert len(atlas.find(kind="intervertebral-disc")) == 23  # C2-C3 .. L5-S1
    assert len(atlas.find(kind="facet-joint")) == 46
    assert len(atlas.find(kind="spinal-nerve")) == 62
    assert len(atlas.find(kind="intervertebral-foramen")) == 2 * 24  # C1-C2 .. L5-S1
    assert len(atlas.find(kind="sacral-foramen")) == 8
    assert len(atlas.find(kind="epidural-space")) == 4
    assert len(atlas.find(kind="genicular-nerve")) == 6
    for structure_id in [
        "atlanto-occipital-joint:left", "atlanto-axial-joint:right", "dural-sac",
        "spinal-cord", "conus-medullaris", "coccyx", "sacroiliac-joint:left",
        "lateral-branch:S1:left", "epidural-space:lumbar", "subarachnoid-space:lumbar",
        "ligamentum-flavum:L4-L5", "sacral-hiatus", "dorsal-root-ganglion:L5:left",
        "genicular-nerve:superomedial:left", "knee-joint:left", "hip-joint:right",
        "shoulder-joint:left", "suprascapular-nerve:left", "muscle:piriformis:left",
        "muscle:trapezius:left", "greater-occipital-nerve:left", "lesser-occipital-nerve:left",
        "trigeminal-ganglion:left", "sphenopalatine-ganglion:left",
    ]:  # fmt: skip
        assert structure_id in atlas


@pytest.mark.parametrize(
    ("structure_id", "level"),
    [
        ("stellate-ganglion:left", "C7"),
        ("thoracic-sympathetic-chain:left", "T2-T3"),
        ("splanchnic-nerve:right", "T11-T12"),
        ("celiac-plexus", "T12-L1"),
        ("lumbar-sympathetic-chain:left", "L2-L3"),
        ("superior-hypogastric-plexus", "L5-S1"),
        ("ganglion-impar", "S5-Co1"),
        ("conus-medullaris", "L1-L2"),
        ("dural-sac", "S2"),
    ],
)
def test_landmark_levels(atlas: Atlas, structure_id: str, level: str) -> None:
    assert str(atlas[structure_id].level) == level


def test_every_structure_cites_a_source(atlas: Atlas) -> None:
    for structure in atlas.values():
        assert structure.references, structure.id
    for edge in atlas.edges:
        assert edge.references, edge


# --- Hazards ----------------------------------------------------------------------------


def test_cervical_transforaminal_hazards(atlas: Atlas) -> None:
    hazards = ids(atlas.at_risk("intervertebral-foramen:C5-C6:left"))
    assert "vertebral-artery:left" in hazards
    assert "radicular-artery:C5-C6:left" in hazards
    assert "spinal-cord" in hazards


def test_adamkiewicz_at_thoracolumbar_foramina(atlas: Atlas) -> None:
    assert "artery-of-adamkiewicz" in ids(atlas.at_risk("intervertebral-foramen:T11-T12:left"))
    assert "artery-of-adamkiewicz" not in ids(atlas.at_risk("intervertebral-foramen:L4-L5:left"))
    assert "spinal-cord" in ids(atlas.related("artery-of-adamkiewicz", Relation.SUPPLIES))


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("celiac-plexus", {"aorta", "inferior-vena-cava", "kidney:left", "kidney:right"}),
        ("lumbar-sympathetic-chain:left", {"aorta", "kidney:left", "spinal-nerve:L2:left"}),
        ("lumbar-sympathetic-chain:right", {"inferior-vena-cava", "kidney:right"}),
        ("thoracic-sympathetic-chain:left", {"pleura:left"}),
        ("splanchnic-nerve:left", {"pleura:left", "aorta"}),
        ("epidural-space:lumbar", {"dural-sac", "conus-medullaris"}),
        ("epidural-space:thoracic", {"dural-sac", "spinal-cord"}),
        (
            "stellate-ganglion:right",
            {
                "vertebral-artery:right", "carotid-artery:right", "pleura:right",
                "recurrent-laryngeal-nerve:right", "esophagus",
            },
        ),
    ],
)  # fmt: skip
def test_structures_at_risk(atlas: Atlas, target: str, expected: set[str]) -> None:
    assert expected <= set(ids(atlas.at_risk(target)))


def test_at_risk_holds_only_hazards(atlas: Atlas) -> None:
    for structure in atlas.at_risk("facet-joint:L4-L5:left"):
        assert structure.kind.hazard


# --- Dermatomes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nerve", "area"),
    [
        ("C5", "lateral arm"), ("C6", "thumb"), ("C7", "middle finger"),
        ("C8", "little finger"), ("T4", "nipple"), ("T10", "umbilicus"),
        ("L1", "inguinal region"), ("L3", "medial knee"), ("L4", "medial malleolus"),
        ("L5", "great toe"), ("S1", "heel"), ("S3", "perineum"),
    ],
)  # fmt: skip
def test_dermatomes(atlas: Atlas, nerve: str, area: str) -> None:
    assert area in atlas.dermatome(f"spinal-nerve:{nerve}:left")
    assert atlas.dermatome(f"spinal-nerve:{nerve}:left") == atlas.dermatome(
        f"spinal-nerve:{nerve}:right"
    )


def test_dermatome_without_landmark_is_empty(atlas: Atlas) -> None:
    assert atlas.dermatome("spinal-nerve:T7:left") == ()


def test_dermatome_of_a_non_nerve(atlas: Atlas) -> None:
    from interventional.errors import ValidationError

    with pytest.raises(ValidationError, match="not a spinal nerve"):
        atlas.dermatome("facet-joint:L4-L5:left")


def test_sides_of_paired_structures(atlas: Atlas) -> None:
    for structure in atlas.find(kind=StructureKind.FACET_JOINT):
        assert structure.side in (Side.LEFT, Side.RIGHT)


# --- Round two: the hip, the thoracic wall, the lumbar and sacral plexuses, the neck -------


@pytest.mark.parametrize("side", ["left", "right"])
def test_anterior_hip_capsule_supply(atlas: Atlas, side: str) -> None:
    # SHORT-2018: femoral and obturator branches in every specimen, the accessory obturator
    # nerve in 7 of 13.
    assert ids(atlas.innervation(f"hip-joint:{side}")) == [
        f"hip-articular-branch:{nerve}:{side}"
        for nerve in ("accessory-obturator", "femoral", "obturator")
    ]
    for nerve in ("femoral", "obturator", "accessory-obturator"):
        parents = atlas.related(f"hip-articular-branch:{nerve}:{side}", Relation.BRANCH_OF)
        assert ids(parents) == [f"{nerve}-nerve:{side}"]
    assert "7 of 13" in (atlas[f"accessory-obturator-nerve:{side}"].note or "")


def test_hip_branches_reach_the_joint_from_their_parent_nerves(atlas: Atlas) -> None:
    # The parent nerve supplies the joint through its articular branch.
    for nerve in ("femoral-nerve:left", "obturator-nerve:left"):
        assert "hip-joint:left" in ids(atlas.innervated_by(nerve, branches=True))
        assert "hip-joint:left" not in ids(atlas.innervated_by(nerve))


@pytest.mark.parametrize(
    ("nerve", "roots"),
    [
        # DOWNSTATE-LP, KENHUB-LP, MEDIWIKI-LP, ASRA-PUDENDAL
        ("femoral-nerve", ["L2", "L3", "L4"]),
        ("obturator-nerve", ["L2", "L3", "L4"]),
        ("accessory-obturator-nerve", ["L3", "L4"]),
        ("lateral-femoral-cutaneous-nerve", ["L2", "L3"]),
        ("ilioinguinal-nerve", ["L1", "T12"]),
        ("iliohypogastric-nerve", ["L1", "T12"]),
        ("pudendal-nerve", ["S2", "S3", "S4"]),
    ],
)
def test_plexus_nerves_and_their_ventral_rami(atlas: Atlas, nerve: str, roots: list[str]) -> None:
    parents = atlas.related(f"{nerve}:right", Relation.BRANCH_OF)
    assert ids(parents) == sorted(f"ventral-ramus:{root}:right" for root in roots)


def test_intercostal_nerves_are_the_thoracic_ventral_rami(atlas: Atlas) -> None:
    # AK-ICB: T1-T11 intercostal; T12 is the subcostal nerve (not modelled).
    nerves = atlas.find(kind="intercostal-nerve")
    assert len(nerves) == 2 * 11
    assert "intercostal-nerve:T12:left" not in atlas
    for n in range(1, 12):
        rami = atlas.related(f"intercostal-nerve:T{n}:left", Relation.CONTINUOUS_WITH)
        assert ids(rami) == [f"ventral-ramus:T{n}:left"]


def test_the_intercostal_bundle_and_the_pleura_are_at_risk(atlas: Atlas) -> None:
    # In the costal groove the vein, artery and nerve; medially the nerve on the pleura.
    assert ids(atlas.at_risk("intercostal-nerve:T6:left")) == [
        "intercostal-artery:T6:left",
        "intercostal-vein:T6:left",
        "pleura:left",
    ]


def test_paravertebral_space_contents_and_communications(atlas: Atlas) -> None:
    # MGH-TPVB, BOUMAN-2017: pleura in front; the spinal nerve and the sympathetic chain in
    # the space; continuous with the epidural space and with the spaces above and below.
    space = "paravertebral-space:T6:right"
    near = ids(atlas.related(space, Relation.ADJACENT_TO))
    for neighbour in ("pleura:right", "spinal-nerve:T6:right", "thoracic-sympathetic-chain:right"):
        assert neighbour in near
    assert ids(atlas.related(space, Relation.CONTINUOUS_WITH)) == [
        "epidural-space:thoracic",
        "paravertebral-space:T5:right",
        "paravertebral-space:T7:right",
    ]
    assert len(atlas.find(kind="paravertebral-space")) == 2 * 12


def test_erector_spinae_plane_lies_on_the_transverse_process(atlas: Atlas) -> None:
    # NYSORA-ESP: deep to erector spinae, on the transverse process; the dorsal rami beside it.
    near = ids(atlas.related("erector-spinae-plane:T5:left", Relation.ADJACENT_TO))
    assert {"muscle:erector-spinae:left", "vertebra:T5", "dorsal-ramus:T5:left"} <= set(near)
    assert "paravertebral-space:T5:left" in near


def test_basivertebral_nerves_supply_their_vertebral_bodies(atlas: Atlas) -> None:
    # SP-BVN: the basivertebral nerve carries endplate nociception; modelled L1-S1.
    assert ids(atlas.find(kind="basivertebral-nerve")) == sorted(
        f"basivertebral-nerve:{level}" for level in ("L1", "L2", "L3", "L4", "L5", "S1")
    )
    assert ids(atlas.innervation("vertebra:L4")) == ["basivertebral-nerve:L4"]


def test_glossopharyngeal_nerve_lies_between_the_great_vessels(atlas: Atlas) -> None:
    # ERDINE-GPN: between the internal jugular vein and the internal carotid artery, with
    # the vagus nerve.
    assert ids(atlas.at_risk("glossopharyngeal-nerve:left")) == [
        "internal-carotid-artery:left",
        "internal-jugular-vein:left",
        "vagus-nerve:left",
    ]


def test_femoral_nerve_and_vessels_are_a_bundle(atlas: Atlas) -> None:
    assert ids(atlas.at_risk("femoral-nerve:left")) == ["femoral-artery:left"]
    assert "femoral-vein:left" in ids(atlas.related("femoral-artery:left", Relation.ADJACENT_TO))


def test_ilioinguinal_nerve_and_the_peritoneum(atlas: Atlas) -> None:
    # HADZIC-IIIH: the nerves in the abdominal wall; the peritoneum deep to it.
    assert "abdominal-wall" in ids(atlas.related("ilioinguinal-nerve:left", Relation.ADJACENT_TO))
    assert ids(atlas.related("abdominal-wall", Relation.ADJACENT_TO)) == [
        "iliohypogastric-nerve:left",
        "iliohypogastric-nerve:right",
        "ilioinguinal-nerve:left",
        "ilioinguinal-nerve:right",
        "peritoneum",
    ]
