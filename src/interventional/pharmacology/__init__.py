"""Drug vocabulary, dosing, local anaesthetic maxima, corticosteroid equivalence and contrast.

Every clinical figure is data under ``interventional/pharmacology/data/`` and cites its
sources: ``drugs.toml`` (the vocabulary, with each drug's RxNorm and ATC codes), ``local_anesthetics.toml`` (maximum doses),
``corticosteroids.toml`` (equivalent doses) and ``contrast.toml`` (intrathecal labelling).

Examples
--------
>>> from interventional.pharmacology import Dose, drug, max_dose
>>> drug("Depo-Medrol").particulate
True
>>> Dose("lidocaine", volume="5 mL", concentration="1 %").amount
<Quantity(50, 'milligram')>
>>> max_dose("lidocaine", "60 kg")
<Quantity(270.0, 'milligram')>
"""

from __future__ import annotations

from interventional.pharmacology._common import Confidence, NoSourcedValueError
from interventional.pharmacology.contrast import (
    ContrastProduct,
    UnknownContrastProductError,
    contrast_product,
    contrast_products,
    intrathecal_labelled,
    load_contrast_products,
)
from interventional.pharmacology.corticosteroids import (
    CorticosteroidEquivalence,
    corticosteroid_equivalence,
    corticosteroid_equivalences,
    equivalent_dose,
    load_corticosteroid_equivalences,
    methylprednisolone_equivalent,
)
from interventional.pharmacology.dose import Dose, percent_to_mass_concentration
from interventional.pharmacology.drugs import (
    Drug,
    DrugClass,
    drug,
    drug_by_code,
    drugs,
    load_drugs,
)
from interventional.pharmacology.local_anesthetics import (
    LocalAnestheticLimit,
    load_local_anesthetic_limits,
    local_anesthetic_limit,
    local_anesthetic_limits,
    local_anesthetic_totals,
    max_dose,
)

__all__ = [
    "Confidence",
    "ContrastProduct",
    "CorticosteroidEquivalence",
    "Dose",
    "Drug",
    "DrugClass",
    "LocalAnestheticLimit",
    "NoSourcedValueError",
    "UnknownContrastProductError",
    "contrast_product",
    "contrast_products",
    "corticosteroid_equivalence",
    "corticosteroid_equivalences",
    "drug",
    "drug_by_code",
    "drugs",
    "equivalent_dose",
    "intrathecal_labelled",
    "load_contrast_products",
    "load_corticosteroid_equivalences",
    "load_drugs",
    "load_local_anesthetic_limits",
    "local_anesthetic_limit",
    "local_anesthetic_limits",
    "local_anesthetic_totals",
    "max_dose",
    "methylprednisolone_equivalent",
    "percent_to_mass_concentration",
]
