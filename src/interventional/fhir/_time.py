"""FHIR dates and date-times as the instants the engine compares.

A FHIR ``dateTime`` is a year, a year and month, a date, or a date-time with a time zone
(the zone is required once there is a time). The engine compares instants, so a value of
lower precision stands for an interval, and which end of it counts depends on what the
value is used for, always in the direction of caution:

- a **dose time** takes the *latest* instant of the interval (a last dose dated
  ``2026-03-08`` may have been taken at 23:59, and a hold counted from then is the longest),
  never later than the assessment time;
- a **sample time** (a laboratory result, a weight) takes the *earliest* instant (a result
  dated ``2026-03-08`` is at least as old as midnight).

Instants follow the assessment time ``at``: when ``at`` is timezone-aware every instant is
aware; when ``at`` is naive, aware FHIR times are converted to UTC and made naive (a naive
``at`` is read as UTC). A date without a time is read in the zone of ``at``.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta, tzinfo

__all__ = ["earliest", "latest"]


def _interval(value: object, zone: tzinfo | None) -> tuple[datetime, datetime] | None:
    """The instants ``[start, end)`` a FHIR date or date-time covers (``None`` when absent)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value.astimezone(zone) if zone is not None else value.astimezone(UTC)
        moment = moment if zone is not None else moment.replace(tzinfo=None)
        return moment, moment
    if isinstance(value, date):
        start = datetime.combine(value, time(), zone)
        return start, start + timedelta(days=1)
    text = str(value)
    parts = [int(part) for part in text.split("-")]
    if len(parts) == 1:
        return datetime(parts[0], 1, 1, tzinfo=zone), datetime(parts[0] + 1, 1, 1, tzinfo=zone)
    year, month = parts[0], parts[1]
    days = calendar.monthrange(year, month)[1]
    start = datetime(year, month, 1, tzinfo=zone)
    return start, start + timedelta(days=days)


def earliest(value: object, at: datetime) -> datetime | None:
    """The earliest instant of a FHIR date or date-time, in the convention of ``at``.

    Examples
    --------
    >>> from datetime import datetime
    >>> earliest("2026-03", datetime(2026, 3, 10, 9))
    datetime.datetime(2026, 3, 1, 0, 0)
    """
    bounds = _interval(value, at.tzinfo)
    return None if bounds is None else bounds[0]


def latest(value: object, at: datetime) -> datetime | None:
    """The latest instant of a FHIR date or date-time, never after ``at``.

    Examples
    --------
    >>> from datetime import date, datetime
    >>> latest(date(2026, 3, 8), datetime(2026, 3, 10, 9))
    datetime.datetime(2026, 3, 9, 0, 0)
    >>> latest(date(2026, 3, 10), datetime(2026, 3, 10, 9))
    datetime.datetime(2026, 3, 10, 9, 0)
    """
    bounds = _interval(value, at.tzinfo)
    if bounds is None:
        return None
    start, end = bounds
    if start == end:
        return start
    return min(end, at) if start <= at else end
