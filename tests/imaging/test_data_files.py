"""Every imaging data file loads, cites known sources, and survives dump -> load unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from interventional._data import dump_records, load_records, loads_records
from interventional.errors import CatalogError
from interventional.imaging._common import data_file
from interventional.imaging.fluoroscopy import CArm, ContrastPatternInfo, FluoroscopyView
from interventional.imaging.needles import ActiveTip, GaugeDiameter, StockLength
from interventional.imaging.radiation import (
    DoseFactor,
    OccupationalLimit,
    ScatterRule,
    TypicalDose,
)
from interventional.imaging.ultrasound import (
    PhysicsConstant,
    Tissue,
    Transducer,
    UltrasoundUse,
    VisibilityBand,
    _ApproachRecord,
)
from interventional.references import bibliography

TABLES: list[tuple[str, type[Any], str, str | None]] = [
    ("fluoroscopy.toml", CArm, "c_arm", "id"),
    ("fluoroscopy.toml", FluoroscopyView, "view", "id"),
    ("fluoroscopy.toml", ContrastPatternInfo, "contrast_pattern", "id"),
    ("needles.toml", GaugeDiameter, "gauge", "gauge"),
    ("needles.toml", StockLength, "stock_length", "id"),
    ("needles.toml", ActiveTip, "active_tip", "id"),
    ("radiation.toml", OccupationalLimit, "limit", "id"),
    ("radiation.toml", ScatterRule, "scatter", "id"),
    ("radiation.toml", TypicalDose, "typical", "procedure_id"),
    ("radiation.toml", DoseFactor, "dose_factor", "id"),
    ("ultrasound.toml", Tissue, "tissue", "id"),
    ("ultrasound.toml", PhysicsConstant, "constant", "id"),
    ("ultrasound.toml", Transducer, "transducer", "kind"),
    ("ultrasound.toml", _ApproachRecord, "approach", "id"),
    ("ultrasound.toml", VisibilityBand, "visibility", "grade"),
    ("ultrasound.toml", UltrasoundUse, "use", "procedure_id"),
]


@pytest.mark.parametrize(("file", "record_type", "table", "key"), TABLES)
def test_round_trip(file: str, record_type: type[Any], table: str, key: str | None) -> None:
    records = load_records(data_file(file), record_type, table=table, key=key)
    assert records
    text = dump_records(records, table=table)
    assert loads_records(text, record_type, table=table, key=key) == records


@pytest.mark.parametrize(("file", "record_type", "table", "key"), TABLES)
def test_every_record_cites_a_known_source(
    file: str, record_type: type[Any], table: str, key: str | None
) -> None:
    known = bibliography()
    for record in load_records(data_file(file), record_type, table=table, key=key):
        assert record.references, record
        for reference in record.references:
            assert reference.key in known


def test_a_bad_record_names_file_record_and_field() -> None:
    text = '[[view]]\nid = "bad"\nname = "Bad"\nrotation = "20"\ntilt = "0 deg"\npurpose = "x"\n'
    with pytest.raises(CatalogError) as info:
        loads_records(text, FluoroscopyView, table="view")
    message = str(info.value)
    assert "view 'bad'" in message
    assert "rotation" in message
