"""Every drug's RxNorm and ATC codes: facts, look-up by code, and errors of a data file."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interventional.codes import CodeSystem
from interventional.errors import CatalogError, UnknownDrugError
from interventional.pharmacology import Drug, drug, drug_by_code, drugs, load_drugs

CODED = [(d.name, s, c) for d in drugs().values() for s, c in d.codes.codings()]


@pytest.mark.parametrize(
    ("name", "rxnorm", "atc"),
    [
        ("apixaban", "1364430", "B01AF02"),
        ("rivaroxaban", "1114195", "B01AF01"),
        ("dabigatran", "1037042", "B01AE07"),
        ("edoxaban", "1599538", "B01AF03"),
        ("warfarin", "11289", "B01AA03"),
        ("clopidogrel", "32968", "B01AC04"),
        ("aspirin", "1191", "B01AC06"),
        ("heparin", "5224", "B01AB01"),
        ("enoxaparin", "67108", "B01AB05"),
        ("fondaparinux", "321208", "B01AX05"),
        ("lidocaine", "6387", "N01BB02"),
    ],
)
def test_the_codes_of_well_known_drugs(name: str, rxnorm: str, atc: str) -> None:
    assert dict(drug(name).codes) == {"rxnorm": rxnorm, "atc": atc}


def test_the_contract_example() -> None:
    assert drug("apixaban").codes == {"rxnorm": "1364430", "atc": "B01AF02"}
    assert drug("Eliquis").codes["rxnorm"] == "1364430"


def test_aspirin_carries_its_antithrombotic_code_first_and_its_analgesic_code_too() -> None:
    aspirin = drug("aspirin")
    assert aspirin.codes["atc"] == "B01AC06"
    assert aspirin.codes.all("atc") == ("B01AC06", "N02BA01")
    assert drug_by_code("atc", "N02BA01") is aspirin


def test_codes_shared_by_two_preparations_name_neither() -> None:
    # One betamethasone ingredient, one particulate and one clear preparation; and ATC
    # B01AC30 also codes clopidogrel + aspirin.
    for name in ("betamethasone-sodium-phosphate", "betamethasone-acetate-sodium-phosphate"):
        assert len(drug(name).codes) == 0
        assert drug(name).codes.note
    assert len(drug("aspirin-dipyridamole").codes) == 0
    for system, code in [("rxnorm", "1514"), ("atc", "H02AB01"), ("atc", "B01AC30")]:
        with pytest.raises(UnknownDrugError):
            drug_by_code(system, code)


def test_every_coded_drug_cites_the_code_systems_and_every_uncoded_one_says_why() -> None:
    for record in drugs().values():
        keys = {ref.key for ref in record.codes.references}
        if "rxnorm" in record.codes:
            assert "NLM-RXNORM" in keys
        if "atc" in record.codes:
            assert "WHOCC-ATC" in keys
        if len(record.codes) < 2:
            assert record.codes.note, record.name


def test_most_drugs_carry_both_codes() -> None:
    assert sum("rxnorm" in d.codes for d in drugs().values()) >= 50
    assert sum("atc" in d.codes for d in drugs().values()) >= 55


@given(st.sampled_from(CODED))
def test_every_code_finds_its_drug(coded: tuple[str, CodeSystem, str]) -> None:
    name, system, code = coded
    assert drug_by_code(system, code) is drug(name)
    assert drug_by_code(system.uri, code) is drug(name)
    assert drug_by_code(system.value, f" {code} ") is drug(name)


@pytest.mark.parametrize("record", list(drugs().values()), ids=lambda d: d.name)
def test_the_primary_codes_round_trip(record: Drug) -> None:
    for system, code in record.codes.items():
        assert drug_by_code(system, code) is record


def test_an_unknown_code_is_a_typed_key_error_that_says_why() -> None:
    with pytest.raises(UnknownDrugError) as caught:
        drug_by_code("rxnorm", "999999999")
    assert isinstance(caught.value, KeyError)
    assert str(caught.value) == "no drug has the RxNorm code '999999999'"
    with pytest.raises(UnknownDrugError, match="it is the WHO ATC code of 'apixaban'"):
        drug_by_code("rxnorm", "B01AF02")
    with pytest.raises(UnknownDrugError, match="not a level-5 ATC code"):
        drug_by_code("atc", "B01AF")
    with pytest.raises(UnknownDrugError):
        drug_by_code("http://loinc.org", "6301-6")


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "drugs.toml"
    path.write_text(body, encoding="utf-8")
    return path


RECORD = """
[[drug]]
name = "{name}"
display_name = "X"
drug_class = "nsaid"
references = ["UTD-PAIN"]

[drug.codes]
{codes}
references = ["NLM-RXNORM", "WHOCC-ATC"]
"""


def test_a_malformed_code_names_file_record_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, RECORD.format(name="xprofen", codes='atc = "M01AE1"'))
    with pytest.raises(CatalogError) as caught:
        load_drugs(path)
    error = caught.value
    assert (error.file, error.record, error.field) == (str(path), "drug 'xprofen'", "codes.atc")
    assert "level-5 ATC code" in error.reason


def test_a_code_given_to_two_drugs_is_refused(tmp_path: Path) -> None:
    body = RECORD.format(name="xprofen", codes='rxnorm = "5640"') + RECORD.format(
        name="yprofen", codes='rxnorm = "5640"'
    )
    with pytest.raises(CatalogError) as caught:
        load_drugs(write(tmp_path, body))
    assert (caught.value.record, caught.value.field) == ("drug 'yprofen'", "codes.rxnorm")
    assert "already names 'xprofen'" in caught.value.reason


def test_codes_without_a_source_are_refused(tmp_path: Path) -> None:
    body = '[[drug]]\nname = "x"\ndisplay_name = "X"\ndrug_class = "nsaid"\n'
    body += 'references = ["UTD-PAIN"]\n[drug.codes]\nrxnorm = "5640"\n'
    with pytest.raises(CatalogError) as caught:
        load_drugs(write(tmp_path, body))
    assert caught.value.field == "codes.references"
