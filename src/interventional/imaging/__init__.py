"""Imaging guidance: fluoroscopy, ultrasound and needle trajectories."""

from interventional.imaging.modality import Modality

__all__ = ["Modality"]
