"""Image-guidance modalities."""

from __future__ import annotations

from interventional._enums import ParsableEnum

__all__ = ["Modality"]


class Modality(ParsableEnum):
    """How a needle is guided to its target.

    Examples
    --------
    >>> Modality.parse("Fluoroscopy")
    <Modality.FLUOROSCOPY: 'fluoroscopy'>
    >>> Modality.parse("US")
    <Modality.ULTRASOUND: 'ultrasound'>
    """

    FLUOROSCOPY = "fluoroscopy"
    ULTRASOUND = "ultrasound"
    CT = "ct"
    LANDMARK = "landmark"

    @property
    def ionizing(self) -> bool:
        """Whether the modality exposes patient and staff to ionizing radiation."""
        return self in (Modality.FLUOROSCOPY, Modality.CT)

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {"us": "ultrasound", "fluoro": "fluoroscopy", "computed-tomography": "ct"}
