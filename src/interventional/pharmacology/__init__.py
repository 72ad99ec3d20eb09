"""Drug vocabulary, dosing and corticosteroid equivalence.

Examples
--------
>>> from interventional.pharmacology import Dose, drug
>>> drug("Depo-Medrol").particulate
True
>>> Dose("lidocaine", volume="5 mL", concentration="1 %").amount
<Quantity(50.0, 'milligram')>
"""

from __future__ import annotations

from interventional.pharmacology.dose import Dose, percent_to_mass_concentration
from interventional.pharmacology.drugs import Drug, DrugClass, drug, drugs, load_drugs

__all__ = [
    "Dose",
    "Drug",
    "DrugClass",
    "drug",
    "drugs",
    "load_drugs",
    "percent_to_mass_concentration",
]
