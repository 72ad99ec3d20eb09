"""Benchmarks of interventional.imaging: quantity-level calls against plain-float physics."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

N = 2000


def _per_call(function: Callable[[], object], n: int = N) -> float:
    start = time.perf_counter()
    for _ in range(n):
        function()
    return (time.perf_counter() - start) / n


def bench_imaging() -> dict[str, float]:
    """Microseconds per call of the imaging functions, and their ratio to plain floats."""
    import interventional as iv
    from interventional.imaging import RadiationDose, staff_scatter, wavelength

    depth = iv.Q_(4, "cm")
    frequency = iv.Q_(5, "MHz")
    angle = iv.Q_(30, "deg")
    kerma = iv.Q_(10, "mGy")
    distance = iv.Q_(2, "m")
    dose = RadiationDose(iv.Q_(10, "s"), iv.Q_(0.5, "mGy"), iv.Q_(0.1, "Gy*cm**2"))

    def plain_penetration() -> float:
        return 60.0 / (2 * 0.5 * 5.0)

    def plain_length() -> float:
        return 40.0 / math.cos(math.radians(30.0))

    penetration = _per_call(lambda: iv.ultrasound_penetration(frequency))
    plain = _per_call(plain_penetration, N * 50)
    return {
        "ultrasound_penetration (us/call)": penetration * 1e6,
        "wavelength (us/call)": _per_call(lambda: wavelength(frequency)) * 1e6,
        "choose_transducer (us/call)": _per_call(lambda: iv.choose_transducer(depth)) * 1e6,
        "needle_length_required (us/call)": _per_call(
            lambda: iv.needle_length_required(depth, angle)
        )
        * 1e6,
        "RadiationDose + RadiationDose (us/call)": _per_call(lambda: dose + dose) * 1e6,
        "staff_scatter (us/call)": _per_call(lambda: staff_scatter(kerma, distance)) * 1e6,
        "penetration / plain float (ratio)": penetration / plain,
        "needle length / plain float (ratio)": _per_call(
            lambda: iv.needle_length_required(depth, angle)
        )
        / _per_call(plain_length, N * 50),
    }


if __name__ == "__main__":
    for name, value in bench_imaging().items():
        print(f"{name:<48} {value:>12.4g}")
