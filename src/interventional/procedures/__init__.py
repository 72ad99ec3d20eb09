"""The procedure catalogue, injectates and validated procedure plans."""

from interventional.procedures.risk import BleedingRisk

__all__ = ["BleedingRisk"]
