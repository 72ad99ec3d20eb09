from __future__ import annotations

import pytest

from interventional._data import dump_records, loads_records
from interventional.errors import CatalogError, UnknownDrugError, ValidationError
from interventional.pharmacology import Drug, DrugClass, drug, drugs, load_drugs

CONTRACT_IDS = [
    "aspirin",
    "aspirin-dipyridamole",
    "clopidogrel",
    "prasugrel",
    "ticagrelor",
    "cangrelor",
    "abciximab",
    "eptifibatide",
    "tirofiban",
    "vorapaxar",
    "cilostazol",
    "dipyridamole",
    "warfarin",
    "acenocoumarol",
    "heparin",
    "enoxaparin",
    "dalteparin",
    "fondaparinux",
    "dabigatran",
    "rivaroxaban",
    "apixaban",
    "edoxaban",
    "alteplase",
    "diclofenac",
    "ketorolac",
    "ibuprofen",
    "etodolac",
    "indomethacin",
    "naproxen",
    "meloxicam",
    "nabumetone",
    "oxaprozin",
    "piroxicam",
    "celecoxib",
    "garlic",
    "ginkgo",
    "ginseng",
    "dong-quai",
    "danshen",
    "fish-oil",
    "vitamin-e",
    "fluoxetine",
    "sertraline",
    "duloxetine",
    "venlafaxine",
    "lidocaine",
    "bupivacaine",
    "levobupivacaine",
    "ropivacaine",
    "mepivacaine",
    "chloroprocaine",
    "dexamethasone",
    "betamethasone-sodium-phosphate",
    "betamethasone-acetate-sodium-phosphate",
    "triamcinolone-acetonide",
    "methylprednisolone-acetate",
    "iohexol",
    "iopamidol",
    "gadobutrol",
    "gadoteridol",
    "dehydrated-alcohol",
    "phenol",
    "normal-saline",
]

CONTRACT_CLASSES = [
    "local-anesthetic",
    "corticosteroid",
    "iodinated-contrast",
    "gadolinium-contrast",
    "neurolytic",
    "diluent",
    "vitamin-k-antagonist",
    "unfractionated-heparin",
    "low-molecular-weight-heparin",
    "indirect-factor-xa-inhibitor",
    "factor-xa-inhibitor",
    "direct-thrombin-inhibitor",
    "aspirin",
    "nsaid",
    "cox-2-inhibitor",
    "p2y12-inhibitor",
    "glycoprotein-iib-iiia-inhibitor",
    "phosphodiesterase-inhibitor",
    "par-1-antagonist",
    "thrombolytic",
    "ssri-snri",
    "herbal-supplement",
]


def test_every_contract_id_is_in_the_vocabulary() -> None:
    missing = [name for name in CONTRACT_IDS if name not in drugs()]
    assert missing == []


def test_drug_class_values_are_the_contract() -> None:
    assert sorted(member.value for member in DrugClass) == sorted(CONTRACT_CLASSES)


@pytest.mark.parametrize(
    ("alias", "generic"),
    [
        ("celestone-soluspan", "betamethasone-acetate-sodium-phosphate"),
        ("Celestone Soluspan", "betamethasone-acetate-sodium-phosphate"),
        ("triamcinolone", "triamcinolone-acetonide"),
        ("KENALOG", "triamcinolone-acetonide"),
        ("methylprednisolone", "methylprednisolone-acetate"),
        ("depo-medrol", "methylprednisolone-acetate"),
        ("alcohol", "dehydrated-alcohol"),
        ("ethanol", "dehydrated-alcohol"),
        ("saline", "normal-saline"),
        ("Xylocaine", "lidocaine"),
        ("Omnipaque", "iohexol"),
        ("Isovue-M", "iopamidol"),
        ("Plavix", "clopidogrel"),
        ("Eliquis", "apixaban"),
        ("unfractionated heparin", "heparin"),
        ("Dexamethasone Sodium Phosphate", "dexamethasone"),
    ],
)
def test_alias_finds_the_generic_drug(alias: str, generic: str) -> None:
    assert drug(alias) is drugs()[generic]


@pytest.mark.parametrize(
    ("name", "particulate"),
    [
        ("dexamethasone", False),
        ("betamethasone-sodium-phosphate", False),
        ("betamethasone-acetate-sodium-phosphate", True),
        ("triamcinolone-acetonide", True),
        ("methylprednisolone-acetate", True),
    ],
)
def test_corticosteroid_particulate_status(name: str, particulate: bool) -> None:
    record = drug(name)
    assert record.drug_class is DrugClass.CORTICOSTEROID
    assert record.particulate is particulate


def test_only_corticosteroids_have_a_particulate_status() -> None:
    for record in drugs().values():
        if record.drug_class is not DrugClass.CORTICOSTEROID:
            assert record.particulate is None, record.name


@pytest.mark.parametrize(
    ("name", "drug_class"),
    [
        ("iohexol", DrugClass.IODINATED_CONTRAST),
        ("iopamidol", DrugClass.IODINATED_CONTRAST),
        ("gadobutrol", DrugClass.GADOLINIUM_CONTRAST),
        ("gadoteridol", DrugClass.GADOLINIUM_CONTRAST),
        ("phenol", DrugClass.NEUROLYTIC),
        ("heparin", DrugClass.UNFRACTIONATED_HEPARIN),
        ("enoxaparin", DrugClass.LOW_MOLECULAR_WEIGHT_HEPARIN),
        ("fondaparinux", DrugClass.INDIRECT_FACTOR_XA_INHIBITOR),
        ("dabigatran", DrugClass.DIRECT_THROMBIN_INHIBITOR),
        ("celecoxib", DrugClass.COX_2_INHIBITOR),
        ("vorapaxar", DrugClass.PAR_1_ANTAGONIST),
        ("cilostazol", DrugClass.PHOSPHODIESTERASE_INHIBITOR),
    ],
)
def test_drug_classes(name: str, drug_class: DrugClass) -> None:
    assert drug(name).drug_class is drug_class


def test_heparin_and_dalteparin_are_dosed_in_units() -> None:
    assert drug("heparin").dose_unit == "IU"
    assert drug("dalteparin").dose_unit == "IU"
    assert drug("enoxaparin").dose_unit == "mg"


def test_every_drug_cites_a_source() -> None:
    for record in drugs().values():
        assert record.references, record.name


def test_unknown_drug_suggests() -> None:
    with pytest.raises(UnknownDrugError) as caught:
        drug("dexamethazone")
    assert caught.value.suggestions[0] == "dexamethasone"
    assert isinstance(caught.value, KeyError)
    assert "unknown drug 'dexamethazone'" in str(caught.value)


def test_drug_rejects_non_text() -> None:
    with pytest.raises(UnknownDrugError):
        drug(42)  # type: ignore[arg-type]


def test_drug_class_properties() -> None:
    assert DrugClass.LOCAL_ANESTHETIC.injectate
    assert not DrugClass.LOCAL_ANESTHETIC.antithrombotic
    assert DrugClass.GADOLINIUM_CONTRAST.contrast
    assert DrugClass.P2Y12_INHIBITOR.antithrombotic


def test_drug_toml_round_trip() -> None:
    records = tuple(drugs().values())
    text = dump_records(records, table="drug")
    assert loads_records(text, Drug, table="drug", key="name") == records


def test_bad_drug_record_names_the_field() -> None:
    text = (
        '[[drug]]\nname = "x"\ndisplay_name = "X"\ndrug_class = "steroid"\nreferences = ["N2018"]\n'
    )
    with pytest.raises(CatalogError) as caught:
        loads_records(text, Drug, table="drug", key="name")
    assert caught.value.field == "drug_class"
    assert caught.value.record == "drug 'x'"


def test_corticosteroid_needs_particulate_status() -> None:
    with pytest.raises(ValidationError, match="particulate"):
        Drug("prednisolone", "Prednisolone", "corticosteroid", references=["GLOBALRPH"])


def test_drug_needs_a_reference() -> None:
    with pytest.raises(ValidationError, match="cites at least one source"):
        Drug("articaine", "Articaine", "local-anesthetic")


def test_duplicate_alias_is_a_catalog_error(tmp_path: object) -> None:
    import pathlib

    assert isinstance(tmp_path, pathlib.Path)
    path = tmp_path / "drugs.toml"
    path.write_text(
        '[[drug]]\nname = "a"\ndisplay_name = "A"\ndrug_class = "nsaid"\naliases = ["z"]\n'
        'references = ["N2018"]\n'
        '[[drug]]\nname = "b"\ndisplay_name = "B"\ndrug_class = "nsaid"\naliases = ["Z"]\n'
        'references = ["N2018"]\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match="'Z' already names the drug 'a'"):
        load_drugs(path)
