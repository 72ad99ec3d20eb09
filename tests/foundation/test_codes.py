"""The code systems, their code checks (LOINC mod-10, SNOMED CT Verhoeff) and the Codes table."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interventional._data import dump_records, loads_records
from interventional.codes import (
    Codes,
    CodeSystem,
    coverage,
    loinc_check_digit,
    verhoeff_check_digit,
)
from interventional.errors import CatalogError, ValidationError

DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=7)


# --- LOINC check digit -----------------------------------------------------------------


@pytest.mark.parametrize("code", ["6301-6", "777-3", "26515-7", "14979-9", "2160-0", "98979-8"])
def test_published_loinc_codes_pass_the_check(code: str) -> None:
    base, check = code.split("-")
    assert loinc_check_digit(base) == int(check)
    assert CodeSystem.LOINC.check(code) == code


@given(DIGITS)
def test_a_loinc_code_made_with_its_check_digit_passes(base: str) -> None:
    code = f"{base}-{loinc_check_digit(base)}"
    assert CodeSystem.LOINC.check(code) == code


@given(DIGITS, st.data())
def test_every_wrong_loinc_check_digit_is_caught(base: str, data: st.DataObject) -> None:
    right = loinc_check_digit(base)
    wrong = data.draw(st.integers(0, 9).filter(lambda d: d != right))
    with pytest.raises(ValidationError, match="fails the LOINC check digit"):
        CodeSystem.LOINC.check(f"{base}-{wrong}")


@given(DIGITS, st.data())
def test_the_loinc_check_digit_catches_any_single_digit_change(
    base: str, data: st.DataObject
) -> None:
    position = data.draw(st.integers(0, len(base) - 1))
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != base[position]]))
    changed = base[:position] + digit + base[position + 1 :]
    assert loinc_check_digit(changed) != loinc_check_digit(base)


# --- SNOMED CT Verhoeff check digit ----------------------------------------------------

SCTIDS = ["14106009", "73211009", "44054006", "72506001", "1085091000119108", "706004007"]


@pytest.mark.parametrize("sctid", SCTIDS)
def test_published_sctids_pass_the_verhoeff_check(sctid: str) -> None:
    assert verhoeff_check_digit(sctid[:-1]) == int(sctid[-1])
    assert CodeSystem.SNOMED.check(sctid) == sctid


def test_verhoeffs_worked_example() -> None:
    assert verhoeff_check_digit("236") == 3


SCT_BASES = st.text(alphabet="0123456789", min_size=6, max_size=17).filter(lambda s: s[0] != "0")


@given(SCT_BASES, st.data())
def test_verhoeff_catches_single_digit_errors(base: str, data: st.DataObject) -> None:
    full = base + str(verhoeff_check_digit(base))
    position = data.draw(st.integers(0, len(full) - 1))
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != full[position]]))
    changed = full[:position] + digit + full[position + 1 :]
    assert verhoeff_check_digit(changed[:-1]) != int(changed[-1])


@given(SCT_BASES, st.data())
def test_verhoeff_catches_adjacent_transpositions(base: str, data: st.DataObject) -> None:
    full = base + str(verhoeff_check_digit(base))
    position = data.draw(st.integers(0, len(full) - 2))
    if full[position] == full[position + 1]:
        return
    swapped = full[:position] + full[position + 1] + full[position] + full[position + 2 :]
    assert verhoeff_check_digit(swapped[:-1]) != int(swapped[-1])


def test_an_sctid_with_a_wrong_check_digit_or_of_a_description_is_refused() -> None:
    with pytest.raises(ValidationError, match="Verhoeff"):
        CodeSystem.SNOMED.check("14106008")
    description = "1410601" + str(verhoeff_check_digit("1410601"))  # partition 01
    with pytest.raises(ValidationError, match="not a concept id"):
        CodeSystem.SNOMED.check(description)


# --- the other systems -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("system", "good", "bad"),
    [
        (CodeSystem.RXNORM, "1364430", ["0123", "13644a", "", "B01AF02"]),
        (CodeSystem.ATC, "B01AF02", ["B01AF", "b01af02", "B01AF2", "1364430"]),
        (CodeSystem.ICD10CM, "E11.9", ["E1", "11.9", "E11.99999", "E11-9"]),
        (CodeSystem.UCUM, "mL/min/{1.73_m2}", ["mL / min", ""]),
    ],
)
def test_code_forms(system: CodeSystem, good: str, bad: list[str]) -> None:
    assert system.check(good) == good
    for code in bad:
        with pytest.raises(ValidationError) as caught:
            system.check(code)
        assert caught.value.field == system.value


def test_icd10cm_codes_are_normalised_and_have_their_prefixes_as_ancestors() -> None:
    assert CodeSystem.ICD10CM.check(" e1165 ") == "E11.65"
    assert CodeSystem.ICD10CM.check("Z95810") == "Z95.810"
    assert CodeSystem.ICD10CM.ancestors("E11.65") == ("E11.65", "E11.6", "E11")
    assert CodeSystem.ICD10CM.ancestors("I50") == ("I50",)
    assert CodeSystem.LOINC.ancestors("6301-6") == ("6301-6",)


@pytest.mark.parametrize("system", list(CodeSystem))
def test_a_system_parses_from_its_key_name_and_uri(system: CodeSystem) -> None:
    assert CodeSystem.parse(system.value) is system
    assert CodeSystem.parse(system.name) is system
    assert CodeSystem.parse(system.uri) is system
    assert system.uri.startswith("http://")


def test_the_fhir_system_uris() -> None:
    assert {s.value: s.uri for s in CodeSystem} == {
        "rxnorm": "http://www.nlm.nih.gov/research/umls/rxnorm",
        "atc": "http://www.whocc.no/atc",
        "loinc": "http://loinc.org",
        "snomed": "http://snomed.info/sct",
        "icd-10-cm": "http://hl7.org/fhir/sid/icd-10-cm",
        "ucum": "http://unitsofmeasure.org",
        "uberon": "http://purl.obolibrary.org/obo/uberon.owl",
        "fma": "http://purl.obolibrary.org/obo/fma.owl",
    }


@pytest.mark.parametrize(
    ("system", "written", "normal"),
    [
        ("uberon", "UBERON:0004620", "UBERON:0004620"),
        ("uberon", "uberon_0004620", "UBERON:0004620"),
        ("uberon", " UBERON:0001067 ", "UBERON:0001067"),
        ("fma", "FMA:13075", "FMA:13075"),
        ("fma", "fma_13075", "FMA:13075"),
    ],
)
def test_anatomy_ids_are_read_as_curies(system: str, written: str, normal: str) -> None:
    assert CodeSystem.parse(system).check(written) == normal


@pytest.mark.parametrize(
    ("system", "written"),
    [
        ("uberon", "0004620"),
        ("uberon", "UBERON:004620"),
        ("uberon", "UBERON:00046200"),
        ("uberon", "FMA:13075"),
        ("fma", "13075"),
        ("fma", "FMA:013075"),
        ("fma", "FMA:"),
        ("fma", "UBERON:0004620"),
    ],
)
def test_malformed_anatomy_ids_are_errors_naming_the_system(system: str, written: str) -> None:
    with pytest.raises(ValidationError) as caught:
        CodeSystem.parse(system).check(written)
    assert caught.value.field == system


def test_an_unknown_system_is_an_error_with_suggestions() -> None:
    with pytest.raises(ValidationError) as caught:
        CodeSystem.parse("rxnrom")
    assert "rxnorm" in caught.value.suggestions


# --- the Codes table -------------------------------------------------------------------


def test_codes_are_a_read_only_mapping_of_primary_codes() -> None:
    codes = Codes(
        {"atc": ["B01AC06", "N02BA01"], CodeSystem.RXNORM: "1191"},
        references=["NLM-RXNORM", "WHOCC-ATC"],
    )
    assert codes == {"rxnorm": "1191", "atc": "B01AC06"}
    assert list(codes) == ["rxnorm", "atc"]
    assert codes.all("atc") == ("B01AC06", "N02BA01")
    assert codes["http://www.whocc.no/atc"] == "B01AC06"
    assert codes.all("loinc") == ()
    assert "loinc" not in codes
    assert "nonsense" not in codes
    with pytest.raises(KeyError):
        codes["loinc"]
    with pytest.raises(AttributeError):
        codes._codes = ()  # type: ignore[misc]
    assert not hasattr(codes, "__setitem__")
    assert hash(codes) == hash(
        Codes({"rxnorm": "1191", "atc": ["B01AC06", "N02BA01"]}, references=["WHOCC-ATC"])
    )
    assert pickle.loads(pickle.dumps(codes)) == codes


@pytest.mark.parametrize(
    ("given_codes", "field"),
    [
        ({"atc": "B01AF2"}, "codes.atc"),
        ({"atc": ["B01AF02", "B01AF02"]}, "codes.atc"),
        ({"atc": []}, "codes.atc"),
        ({"loinc": "6301-5"}, "codes.loinc"),
        ({"rxnrom": "1191"}, "codes"),
    ],
)
def test_malformed_codes_name_their_field(given_codes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Codes(given_codes, references=["LOINC"])
    assert caught.value.field == field


def test_codes_must_cite_a_source_but_an_empty_table_need_not() -> None:
    with pytest.raises(ValidationError, match="cite"):
        Codes({"loinc": "6301-6"})
    assert len(Codes(note="no standard concept")) == 0


def test_a_malformed_code_in_a_data_file_names_file_record_and_field() -> None:
    import attrs

    from interventional.codes import to_codes

    @attrs.frozen
    class Thing:
        id: str
        codes: Codes = attrs.field(converter=to_codes)

    text = '[[thing]]\nid = "x"\n[thing.codes]\nloinc = "6301-5"\nreferences = ["LOINC"]\n'
    with pytest.raises(CatalogError) as caught:
        loads_records(text, Thing, table="thing", source="things.toml")
    error = caught.value
    assert (error.file, error.record, error.field) == ("things.toml", "thing 'x'", "codes.loinc")
    assert "check digit" in error.reason
    good = text.replace("6301-5", "6301-6")
    (thing,) = loads_records(good, Thing, table="thing")
    assert loads_records(dump_records([thing], table="thing"), Thing, table="thing") == (thing,)


def test_coverage_counts_the_records_carrying_each_system() -> None:
    rows = coverage(
        [
            ("drugs", [{"rxnorm": "1"}, {"rxnorm": "2", "atc": "B01AF02"}, {}], ["rxnorm", "atc"]),
            ("labs", [Codes({"loinc": "6301-6"}, references=["LOINC"])], [CodeSystem.LOINC]),
        ]
    )
    assert [(r.kind, r.system.value, r.coded, r.total) for r in rows] == [
        ("drugs", "rxnorm", 2, 3),
        ("drugs", "atc", 1, 3),
        ("labs", "loinc", 1, 1),
    ]


@given(
    st.integers(min_value=0, max_value=9_999_999),
    st.sampled_from(["UBERON:", "uberon_", "UBERON_"]),
)
def test_an_uberon_id_reads_back_in_one_normal_form(number: int, prefix: str) -> None:
    normal = CodeSystem.UBERON.check(f"{prefix}{number:07d}")
    assert normal == f"UBERON:{number:07d}"
    assert CodeSystem.UBERON.check(normal) == normal
    with pytest.raises(ValidationError):
        CodeSystem.UBERON.check(f"UBERON:{number:08d}")


@given(st.integers(min_value=1, max_value=9_999_999))
def test_an_fma_id_reads_back_in_one_normal_form(number: int) -> None:
    assert CodeSystem.FMA.check(f"fma_{number}") == f"FMA:{number}"
    with pytest.raises(ValidationError):
        CodeSystem.FMA.check(f"FMA:0{number}")
