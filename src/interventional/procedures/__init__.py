"""The procedure catalogue, injectates and validated procedure plans.

Examples
--------
>>> from interventional.procedures import default_catalog, plan
>>> len(default_catalog()) >= 5
True
>>> [s.id for s in plan("sgb", side="right").targets]
['stellate-ganglion:right']
"""

from interventional.imaging.modality import Modality
from interventional.procedures.catalog import Catalog, default_catalog
from interventional.procedures.model import (
    Approach,
    Injectate,
    Procedure,
    ProcedureCategory,
    TargetRule,
    Technique,
)
from interventional.procedures.plan import ProcedurePlan, UnknownInjectateError, plan
from interventional.procedures.risk import BleedingRisk, RiskBasis
from interventional.units import QuantityRange

__all__ = [
    "Approach",
    "BleedingRisk",
    "Catalog",
    "Injectate",
    "Modality",
    "Procedure",
    "ProcedureCategory",
    "ProcedurePlan",
    "QuantityRange",
    "RiskBasis",
    "TargetRule",
    "Technique",
    "UnknownInjectateError",
    "default_catalog",
    "plan",
]
