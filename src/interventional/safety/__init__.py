"""The contraindication engine: patients, guideline rules and assessments."""

__all__: list[str] = []
