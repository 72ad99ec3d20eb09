"""interventional: a typed domain model of interventional pain-management procedures.

An educational and research library, not a medical device: it must not be used to make
or support decisions about the care of a real patient.

The package face re-exports the public API contract; see the API reference.
"""

from interventional._version import __version__
from interventional.anatomy import (
    Atlas,
    Region,
    Relation,
    Segment,
    Side,
    Structure,
    StructureKind,
    VertebralLevel,
    default_atlas,
)
from interventional.errors import (
    CatalogError,
    InterventionalError,
    PlanError,
    UnitError,
    UnknownDrugError,
    UnknownProcedureError,
    UnknownStructureError,
)
from interventional.imaging import (
    FluoroscopyView,
    Modality,
    RadiationDose,
    Transducer,
    choose_transducer,
    needle_length_required,
    ultrasound_penetration,
)
from interventional.pharmacology import Dose
from interventional.procedures import (
    BleedingRisk,
    Catalog,
    Procedure,
    ProcedurePlan,
    default_catalog,
    plan,
)
from interventional.references import Reference
from interventional.safety import (
    Assessment,
    Finding,
    LabResult,
    MedicationUse,
    Patient,
    Verdict,
    assess,
    assess_many,
)
from interventional.units import Q_, ureg

__all__ = [
    "Q_",
    "Assessment",
    "Atlas",
    "BleedingRisk",
    "Catalog",
    "CatalogError",
    "Dose",
    "Finding",
    "FluoroscopyView",
    "InterventionalError",
    "LabResult",
    "MedicationUse",
    "Modality",
    "Patient",
    "PlanError",
    "Procedure",
    "ProcedurePlan",
    "RadiationDose",
    "Reference",
    "Region",
    "Relation",
    "Segment",
    "Side",
    "Structure",
    "StructureKind",
    "Transducer",
    "UnitError",
    "UnknownDrugError",
    "UnknownProcedureError",
    "UnknownStructureError",
    "Verdict",
    "VertebralLevel",
    "__version__",
    "assess",
    "assess_many",
    "choose_transducer",
    "default_atlas",
    "default_catalog",
    "needle_length_required",
    "plan",
    "ultrasound_penetration",
    "ureg",
]
