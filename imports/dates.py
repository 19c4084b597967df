"""Publication dates as people write them in import files. Plain Python.

Besides ISO 8601 and RFC 2822 (handled by the caller), this reads numeric
dates with the day or the month first (06/12/2026 08:15, 6.12.2026, 12-6-2026)
and dates with a French or English month name, full or abbreviated
(6 décembre 2026, 1er déc. 2026 à 8h15, December 6, 2026, 6 Dec 2026 8:15 pm).

A numeric date whose first two numbers are both 12 or less is ambiguous: it is
read with the order given (``day_first``), and without one it is an error that
names the value, never a guess.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

MONTHS = {
    # French
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "fév": 2, "fev": 2, "mars": 3,
    "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8, "septembre": 9,
    "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12, "déc": 12,
    # English (and the abbreviations both languages share: jan, mar, sep, sept, oct, nov, dec)
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_WEEKDAY = (r"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday"
            r"|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.?,?\s+)?")
_TIME = (
    r"(?:\s*(?:,|à|a|at|-)?\s*(?P<hour>\d{1,2})\s*[:hH]\s*(?P<minute>\d{2})?"
    r"(?::(?P<second>\d{2}))?\s*(?P<ampm>am|pm)?)?"
)
_MONTH = r"(?P<month>[^\W\d_]{3,9})\.?"
_NUMERIC = re.compile(r"(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-](?P<year>\d{4})" + _TIME + r"$")
_DAY_MONTH = re.compile(_WEEKDAY + r"(?P<day>\d{1,2})(?:er|st|nd|rd|th)?\s+" + _MONTH + r"\s+(?P<year>\d{4})" + _TIME
                        + r"$")
_MONTH_DAY = re.compile(_WEEKDAY + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})" + _TIME + r"$")


class AmbiguousDate(ValueError):
    """A numeric date that reads both ways (06/07/2026); the message names it."""


def parse_written_date(value: str, *, day_first: bool | None) -> datetime | None:
    """The naive datetime ``value`` states, or None if it is not one of the forms above.

    Raises AmbiguousDate for 06/07/2026 when ``day_first`` is None.
    """
    text = unicodedata.normalize("NFC", " ".join(value.split())).lower()
    if match := _NUMERIC.match(text):
        a, b = int(match["a"]), int(match["b"])
        if a <= 12 and b <= 12 and a != b and day_first is None:
            raise AmbiguousDate(
                f"Ambiguous date {value[:60]!r}: the day or the month may come first. "
                "Choose the order of dates in the import options."
            )
        day_is_first = a > 12 or (b <= 12 and bool(day_first))
        day, month = (a, b) if day_is_first else (b, a)
        return _moment(int(match["year"]), month, day, match)
    match = _DAY_MONTH.match(text) or _MONTH_DAY.match(text)
    if match and match["month"] in MONTHS:
        return _moment(int(match["year"]), MONTHS[match["month"]], int(match["day"]), match)
    return None


def _moment(year: int, month: int, day: int, match: re.Match) -> datetime | None:
    hour, minute, second = int(match["hour"] or 0), int(match["minute"] or 0), int(match["second"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["ampm"] == "pm" else 0)
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None  # 31/02, 25:00: not a date
