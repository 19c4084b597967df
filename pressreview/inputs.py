"""What a request may name: ids and days the database can hold.

A value that no form of ours sends (``actor=abc``, an id past 64 bits, the
year 9999) is refused here, as a 400 with a message, before it reaches a
query that would fail on it with a 500.
"""

from datetime import date, timedelta

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

# PostgreSQL's bigint and SQLite's integer are both signed 64-bit.
MAX_ID = 2**63 - 1
# An offset past this is past any table we will have; the database's own
# bound (64 bits, offset + limit) would fail with a 500.
MAX_OFFSET = 2**62

# Room for a day and a time zone on either side: a day filter becomes the
# instants from its midnight to the next one, converted to UTC.
FIRST_DAY = date.min + timedelta(days=2)
LAST_DAY = date.max - timedelta(days=2)


class IdConverter:
    """``<id:name>`` in a URL: a database id. A number past 64 bits is a 404,
    like an id that names no row, rather than an overflow in the query."""

    regex = "[0-9]{1,20}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 < number <= MAX_ID:
            raise ValueError(value)  # the resolver tries the next pattern, then answers 404
        return number

    def to_url(self, value) -> str:
        return str(value)


class InvalidInput(BadRequest):
    """A request value that is not what the form sends; answered 400 with the message
    (``pressreview.middleware.InvalidInputMiddleware``)."""


class IdField(forms.IntegerField):
    """A database id: a positive integer of at most 64 bits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class DayField(forms.DateField):
    """A day (YYYY-MM-DD) that a filter can turn into instants without overflowing."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(**kwargs)
        self.validators += [MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)]


def cleaned(field: forms.Field, value):
    """``value`` through ``field``, or None when it does not clean."""
    try:
        return field.clean(value)
    except ValidationError:
        return None


def id_or_none(value) -> int | None:
    """``value`` as an id or a page number, or None when it is not one: a query-string
    filter that does not parse is off (``posted_id`` refuses what a form posts instead)."""
    value = str(value or "")
    # ASCII digits only: int() reads other scripts' digits, and a long string costs its conversion.
    return cleaned(IdField(), value) if value.isascii() and value.strip().isdigit() and len(value) < 40 else None


def posted_id(data, name: str) -> int | None:
    """``data[name]`` as an id; None when it is absent or empty. Anything else
    (a word, a negative or a 30-digit number) raises ``InvalidInput``."""
    value = data.get(name)
    if value in (None, ""):
        return None
    try:
        return IdField().clean(value)
    except ValidationError:
        shown = str(value)[:40] + ("…" if len(str(value)) > 40 else "")
        raise InvalidInput(_("“%(value)s” is not a valid choice for “%(name)s”: choose one from the list.")
                           % {"value": shown, "name": name[:40]}) from None


def next_path(request, default: str) -> str:
    """The posted ``next``, when it is an address on this site (where a form came from), else ``default``.
    For ``HttpResponseRedirect``, never ``redirect``: ``redirect("abc")`` would try to reverse a view named
    "abc" and fail with a 500."""
    back = str(request.POST.get("next") or "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure()):
        return back
    return default
