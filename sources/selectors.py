"""Reads of followed sources that the page and the API share."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from sources.models import Feed, FeedItem


def feeds_with_counts():
    return Feed.objects.select_related("source").with_counts()


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int


def items_per_day(feed: Feed, *, days: int = 30) -> list[DayCount]:
    """Items the source brought on each of the last ``days`` days (today last), zeros included."""
    today = timezone.localdate()
    first = today - timedelta(days=days - 1)
    counts = dict(
        FeedItem.objects.filter(feed=feed, created_at__date__gte=first)
        .annotate(day=TruncDate("created_at")).values("day").annotate(n=Count("id")).values_list("day", "n")
    )
    return [DayCount(day=first + timedelta(days=n), count=counts.get(first + timedelta(days=n), 0))
            for n in range(days)]
