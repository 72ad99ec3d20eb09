"""Imaging guidance: fluoroscopy, ultrasound and needle trajectories.

- :mod:`~interventional.imaging.fluoroscopy`: C-arm views (:class:`FluoroscopyView`,
  :func:`standard_view`) and contrast patterns (:class:`ContrastPattern`).
- :mod:`~interventional.imaging.radiation`: :class:`RadiationDose` over a session, typical
  doses per procedure, staff scatter and occupational limits.
- :mod:`~interventional.imaging.ultrasound`: :class:`Transducer`, the physics functions
  (:func:`ultrasound_penetration`, :func:`choose_transducer`...) and needle visibility.
- :mod:`~interventional.imaging.needles`: :class:`Needle`, gauges, stock lengths and
  :func:`needle_length_required`.

Every number comes from the TOML files in ``imaging/data/``, each record citing its source.
"""

from interventional.imaging.fluoroscopy import (
    ContrastAction,
    ContrastPattern,
    FluoroscopyView,
    UnknownViewError,
    c_arm,
    standard_view,
    standard_views,
)
from interventional.imaging.modality import Modality
from interventional.imaging.needles import (
    Needle,
    NeedleType,
    choose_needle_length,
    needle_length_required,
    outer_diameter,
    stock_lengths,
)
from interventional.imaging.radiation import (
    RadiationDose,
    TypicalDose,
    inverse_square,
    occupational_fraction,
    occupational_limit,
    staff_scatter,
    typical_dose,
)
from interventional.imaging.ultrasound import (
    NeedleApproach,
    NeedleVisibility,
    Transducer,
    TransducerChoice,
    TransducerKind,
    UnreachableDepthError,
    axial_resolution,
    choose_transducer,
    needle_visibility,
    round_trip_attenuation,
    spatial_pulse_length,
    ultrasound_penetration,
    ultrasound_use,
    wavelength,
)

__all__ = [
    "ContrastAction",
    "ContrastPattern",
    "FluoroscopyView",
    "Modality",
    "Needle",
    "NeedleApproach",
    "NeedleType",
    "NeedleVisibility",
    "RadiationDose",
    "Transducer",
    "TransducerChoice",
    "TransducerKind",
    "TypicalDose",
    "UnknownViewError",
    "UnreachableDepthError",
    "axial_resolution",
    "c_arm",
    "choose_needle_length",
    "choose_transducer",
    "inverse_square",
    "needle_length_required",
    "needle_visibility",
    "occupational_fraction",
    "occupational_limit",
    "outer_diameter",
    "round_trip_attenuation",
    "spatial_pulse_length",
    "staff_scatter",
    "standard_view",
    "standard_views",
    "stock_lengths",
    "typical_dose",
    "ultrasound_penetration",
    "ultrasound_use",
    "wavelength",
]
