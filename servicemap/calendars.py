"""Calendars: a service's places or an access point's arrivals by hour, day of week and date.

A calendar is text, a list of entries separated by ";", each
``[from YYYY-MM-DD] [DAYS] [HH:MM-HH:MM] VALUE`` (words in any case), for example
``Mon-Fri 08:00-20:00 12; Sat,Sun 4; from 2027-04-01 30``.

* DAYS: Mon, Tue, Wed, Thu, Fri, Sat, Sun, in comma lists and ranges (``Mon-Fri``; a range may
  wrap, ``Fri-Mon``). No days: every day.
* HH:MM-HH:MM: from 00:00 to 24:00, the start included and the end not. A window whose end is
  before its start wraps past midnight: ``Fri 22:00-06:00`` is Friday 22:00 to Saturday 06:00
  (the days name the day a window starts on). No times: the whole day.
* from YYYY-MM-DD: the entry holds from that day on. No date: always.
* VALUE: a number >= 0 in the field's own unit (places; people a year as a rate).

At a moment, among the entries whose from-date is on or before that day and whose days and
hours include it, the one with the latest from-date wins, and among equal from-dates the later
entry in the text; when none applies, the item's own field holds (``default`` below). So
``from 2027-04-01 30`` alone is a dated step. Times are naive (no daylight saving).

Plain Python, no Qt, in the bottom layer.
"""

from __future__ import annotations

import datetime
import math
import re
from bisect import bisect_right
from dataclasses import dataclass

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_OF = {name.lower(): i for i, name in enumerate(DAY_NAMES)}
ALL_DAYS = frozenset(range(7))
MINUTES_IN_DAY = 24 * 60
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$", re.IGNORECASE)
_DAYS_HINT = "use Mon, Tue, Wed, Thu, Fri, Sat or Sun"


class CalendarError(ValueError):
    """Why a calendar's text cannot be read: one plain sentence naming the entry."""


@dataclass(frozen=True)
class Entry:
    """One entry: on ``days`` (0 = Monday) from ``start_minute`` to ``end_minute`` (minutes
    after midnight; an end before the start wraps into the next day), from ``from_date`` on
    (None: always), the value is ``value``."""

    days: frozenset[int]
    start_minute: int
    end_minute: int
    from_date: datetime.date | None
    value: float

    def text(self) -> str:
        parts = []
        if self.from_date is not None:
            parts.append(f"from {self.from_date.isoformat()}")
        if self.days != ALL_DAYS:
            parts.append(days_text(self.days))
        if (self.start_minute, self.end_minute) != (0, MINUTES_IN_DAY):
            parts.append(f"{_clock(self.start_minute)}-{_clock(self.end_minute)}")
        parts.append(value_text(self.value))
        return " ".join(parts)

    def covers(self, weekday: int, minute: int) -> bool:
        """Whether the entry's days and hours include ``minute`` of a day that is ``weekday``."""
        if self.start_minute < self.end_minute:
            return weekday in self.days and self.start_minute <= minute < self.end_minute
        return (weekday in self.days and minute >= self.start_minute) or (
            (weekday - 1) % 7 in self.days and minute < self.end_minute)


@dataclass(frozen=True)
class Calendar:
    """A calendar's entries in the order written."""

    entries: tuple[Entry, ...] = ()

    def text(self) -> str:
        """The canonical text: ``parse(c.text()) == c``."""
        return "; ".join(entry.text() for entry in self.entries)

    def __bool__(self) -> bool:
        return bool(self.entries)


# ----- reading --------------------------------------------------------------------------------
def parse(text: str) -> Calendar:
    """The calendar a text writes (empty or blank text: a calendar with no entries).

    Raises :class:`CalendarError` with one sentence naming the entry."""
    entries = []
    for number, raw in enumerate((text or "").split(";"), start=1):
        if raw.strip():
            entries.append(_entry(number, raw.strip()))
    return Calendar(tuple(entries))


def check(text: str | None) -> str | None:
    """Why ``text`` is not a calendar, or None when it is (for a field's check)."""
    try:
        parse(text or "")
    except CalendarError as error:
        return str(error)
    return None


def _entry(number: int, raw: str) -> Entry:
    def fail(why: str) -> CalendarError:
        return CalendarError(f'entry {number} ("{raw}"): {why}')

    tokens = raw.split()
    from_date = None
    if tokens[0].lower() == "from":
        if len(tokens) < 2:
            raise fail('"from" needs a date after it, e.g. "from 2027-04-01 30"')
        from_date = _date(tokens[1], fail)
        tokens = tokens[2:]
    if not tokens:
        raise fail('no value at the end; write the number last, e.g. "Mon-Fri 12"')
    if not _NUMBER.match(tokens[-1]) and (":" in tokens[-1] or _looks_like_days(tokens[-1])):
        raise fail('no value at the end; write the number last, e.g. "Mon-Fri 12"')
    value = _value(tokens[-1], fail)
    days, window = None, None
    day_words: list[str] = []
    for token in tokens[:-1]:
        if token.lower() == "from":
            raise fail('"from" and its date come first, e.g. "from 2027-04-01 Mon-Fri 12"')
        if ":" in token:
            if window is not None:
                raise fail("two time windows; give one per entry")
            if day_words:
                if days is not None:
                    raise fail("two lists of days; give one per entry")
                days = _days(" ".join(day_words), fail)
                day_words = []
            window = _window(token, fail)
        else:
            day_words.append(token)
    if day_words:
        if days is not None:
            raise fail("two lists of days; give one per entry")
        days = _days(" ".join(day_words), fail)
    start, end = window if window is not None else (0, MINUTES_IN_DAY)
    return Entry(days if days is not None else ALL_DAYS, start, end, from_date, value)


def _looks_like_days(word: str) -> bool:
    return all(p.strip().lower() in _DAY_OF for p in re.split(r"[,-]", word) if p.strip())


def _date(word: str, fail) -> datetime.date:
    match = _DATE.match(word)
    if match:
        try:
            return datetime.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    raise fail(f'"{word}" is not a date; write YYYY-MM-DD, e.g. 2027-04-01')


def _value(word: str, fail) -> float:
    if not _NUMBER.match(word):
        raise fail(f'"{word}" is not a number; end each entry with the value, e.g. "Mon-Fri 12"')
    value = float(word)
    if not math.isfinite(value):
        raise fail(f'"{word}" is not a number; end each entry with the value, e.g. "Mon-Fri 12"')
    if value < 0:
        raise fail(f"the value {word} is below 0")
    return value + 0.0  # no -0.0


def _days(words: str, fail) -> frozenset[int]:
    days: set[int] = set()
    for part in words.split(","):
        part = part.strip()
        if not part:
            raise fail(f'"{words}" has an empty day in its list; {_DAYS_HINT}, e.g. "Sat,Sun"')
        ends = [p.strip() for p in part.split("-")]
        if len(ends) > 2:
            raise fail(f'"{part}" is not a range of days; write e.g. "Mon-Fri"')
        for end in ends:
            if end.lower() not in _DAY_OF:
                raise fail(f'"{end}" is not a day; {_DAYS_HINT}')
        first, last = _DAY_OF[ends[0].lower()], _DAY_OF[ends[-1].lower()]
        days.update((first + i) % 7 for i in range((last - first) % 7 + 1))
    return frozenset(days)


def _window(word: str, fail) -> tuple[int, int]:
    ends = word.split("-")
    if len(ends) != 2:
        raise fail(f'"{word}" is not a time window; write e.g. "08:00-20:00"')
    start, end = (_minute(e, fail) for e in ends)
    if start == MINUTES_IN_DAY:
        raise fail(f'the window "{word}" starts at 24:00; start it at 00:00 instead')
    if start == end:
        raise fail(f'the window "{word}" starts and ends at the same time; '
                   "give two different times")
    if end == 0:
        end = MINUTES_IN_DAY  # 20:00-00:00 is to midnight
    return start, end


def _minute(word: str, fail) -> int:
    match = _TIME.match(word)
    if match:
        hours, minutes = int(match.group(1)), int(match.group(2))
        if minutes < 60 and (hours < 24 or (hours == 24 and minutes == 0)):
            return hours * 60 + minutes
    raise fail(f'"{word}" is not a time of day; write HH:MM from 00:00 to 24:00')


# ----- writing --------------------------------------------------------------------------------
def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def value_text(value: float) -> str:
    """A value as the canonical text writes it: "12", "0.5", exact (repr) beyond."""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)


def days_text(days: frozenset[int]) -> str:
    """Days as "Mon-Fri", "Sat,Sun", "Fri-Mon" (runs of three or more as ranges)."""
    if days == ALL_DAYS:
        return "Mon-Sun"
    # Begin at Monday, or when a run goes through Sunday into Monday at the first day that
    # starts a run, so that the run stays whole ("Fri-Mon").
    first = 0 if 6 not in days or 0 not in days else next(
        d for d in range(7) if d in days and (d - 1) % 7 not in days)
    runs: list[list[int]] = []
    for i in range(7):
        day = (first + i) % 7
        if day in days:
            if i > 0 and (day - 1) % 7 in days:
                runs[-1].append(day)
            else:
                runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}")
        else:
            parts.extend(DAY_NAMES[d] for d in run)
    return ",".join(parts)


# ----- values over time -----------------------------------------------------------------------
def _by_priority(cal: Calendar) -> list[Entry]:
    """The entries, the one that wins first: latest from-date, then later in the text."""
    order = sorted(range(len(cal.entries)), key=lambda i: (
        cal.entries[i].from_date or datetime.date.min, i), reverse=True)
    return [cal.entries[i] for i in order]


def value_at(cal: Calendar, default: float | None, moment: datetime.datetime) -> float | None:
    """The value at one moment."""
    minute = moment.hour * 60 + moment.minute
    day = moment.date()
    for entry in _by_priority(cal):
        if (entry.from_date is None or entry.from_date <= day) and entry.covers(
                day.weekday(), minute):
            return entry.value
    return default


def _day_profile(entries: list[Entry], default, weekday: int) -> list[tuple[int, float | None]]:
    """The values over one day (minute it starts, value) given the entries in force that day."""
    cuts = {0}
    for entry in entries:
        cuts.update((entry.start_minute % MINUTES_IN_DAY, entry.end_minute % MINUTES_IN_DAY))
    profile: list[tuple[int, float | None]] = []
    for minute in sorted(cuts):
        value = next((e.value for e in entries if e.covers(weekday, minute)), default)
        if not profile or profile[-1][1] != value:
            profile.append((minute, value))
    return profile


def steps(cal: Calendar, default: float | None, start: datetime.datetime,
          days: float) -> list[tuple[float, float | None]]:
    """The value as a piecewise-constant function over [0, days) in days from ``start``: a list
    of (time in days it starts, value), the first at 0, equal neighbours merged."""
    if isinstance(start, datetime.date) and not isinstance(start, datetime.datetime):
        start = datetime.datetime.combine(start, datetime.time())
    if not cal.entries or days <= 0:
        return [(0.0, default)]
    ranked = _by_priority(cal)
    dated = sorted({e.from_date for e in ranked if e.from_date is not None})
    midnight = datetime.datetime.combine(start.date(), datetime.time())
    offset = (start - midnight).total_seconds() / 86400.0
    cache: dict[tuple[int, int], list[tuple[int, float | None]]] = {}
    result: list[tuple[float, float | None]] = []
    day_index = 0
    while day_index - offset < days:
        day = start.date() + datetime.timedelta(days=day_index)
        weekday = day.weekday()
        in_force = bisect_right(dated, day)  # which dated entries hold: the key
        key = (weekday, in_force)
        profile = cache.get(key)
        if profile is None:
            entries = [e for e in ranked if e.from_date is None or e.from_date <= day]
            profile = cache[key] = _day_profile(entries, default, weekday)
        for minute, value in profile:
            t = day_index - offset + minute / MINUTES_IN_DAY
            if t >= days:
                break
            if t <= 0:
                result[:] = [(0.0, value)]
            elif result[-1][1] != value:
                result.append((t, value))
        day_index += 1
    return result


def mean(cal: Calendar, default: float | None, start: datetime.date,
         days: float = 7.0) -> float | None:
    """The time-weighted mean over ``days`` from midnight on ``start``; None when the value is
    unknown (None) for part of that time."""
    if isinstance(start, datetime.datetime):
        start = start.date()
    pieces = steps(cal, default, datetime.datetime.combine(start, datetime.time()), days)
    if days <= 0:
        return pieces[0][1]
    total = 0.0
    for i, (t, value) in enumerate(pieces):
        end = pieces[i + 1][0] if i + 1 < len(pieces) else days
        if value is None:
            return None
        total += value * ((end - t) / days)  # weights of the whole: never past the largest value
    return total


# ----- in words -------------------------------------------------------------------------------
_DAY_PLURALS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays",
                "Sundays")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _number_words(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")


def days_words(days: frozenset[int]) -> str:
    """Days for reading: "every day", "on weekdays", "at weekends", "on Mondays", "on Fri-Mon"."""
    if days == ALL_DAYS:
        return "every day"
    if days == frozenset(range(5)):
        return "on weekdays"
    if days == frozenset({5, 6}):
        return "at weekends"
    if len(days) == 1:
        return f"on {_DAY_PLURALS[min(days)]}"
    return f"on {days_text(days)}"


def describe(cal: Calendar, unit: str = "") -> str:
    """The calendar for reading, entry by entry: "12 on weekdays 08:00-20:00, 4 at weekends,
    6 from 20:00 to 08:00, 30 from 1 April 2027" (``unit`` after each value: " a year")."""
    parts = []
    for e in cal.entries:
        words = [_number_words(e.value) + unit]
        whole_day = (e.start_minute, e.end_minute) == (0, MINUTES_IN_DAY)
        if e.days != ALL_DAYS or (whole_day and e.from_date is None):
            words.append(days_words(e.days))
        if not whole_day and e.days == ALL_DAYS:
            words.append(f"from {_clock(e.start_minute)} to {_clock(e.end_minute)}")
        elif not whole_day:
            words.append(f"{_clock(e.start_minute)}-{_clock(e.end_minute)}")
        if e.from_date is not None:
            d = e.from_date
            words.append(f"from {d.day} {_MONTHS[d.month - 1]} {d.year}")
        parts.append(" ".join(words))
    return ", ".join(parts)

