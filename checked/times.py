"""Times in records: aware, held in UTC, refused when naive (a ``checked`` marker).

``Aware`` marks a datetime field (``Annotated[datetime, Aware()]``) for pydantic as ``Str`` and
``Num`` mark strings and numbers; ``parse_time`` reads back a time ``checked.to_data`` wrote,
for records rebuilt without validation.  Like the rest of ``checked``, importing this module
imports nothing but the standard library; pydantic is imported when a schema is built.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


class Aware:
    """A datetime that carries its time zone, normalised to UTC (a ``checked``-style marker).

    A naive datetime (no offset) is refused, as is one that falls outside the years datetime
    can hold once moved to UTC: times from different files are compared and sorted (listings,
    reports), and a single naive one made every comparison with it fail, for every review.
    A time already in UTC (every time the store writes) is checked by pydantic's core alone;
    only another offset goes on to the conversion in Python (doing that for every time made
    validating a review cost about half as much again)."""

    __slots__ = ()
    MESSAGE = (
        "Input should be a time with its time zone (Z or an offset), within the years "
        "1 to 9999 once in UTC"
    )

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        in_utc = core_schema.datetime_schema(tz_constraint=0)
        elsewhere = core_schema.no_info_after_validator_function(
            to_utc, core_schema.datetime_schema(tz_constraint="aware")
        )
        return core_schema.union_schema(
            [in_utc, elsewhere],
            mode="left_to_right",
            custom_error_type="time_zone",
            custom_error_message=self.MESSAGE,
        )


def to_utc(value: datetime) -> datetime:
    """``value`` (aware) in UTC; ValueError for a naive time or one UTC cannot hold."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("a time must include its time zone (UTC offset)")
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("the time is out of range once converted to UTC") from None


def parse_time(text: str | None) -> datetime | None:
    """A time written by ``to_data`` (or None), for records read back without validation;
    ValueError for anything but a time in UTC (the careful path then validates, and refuses,
    such a file)."""
    if text is None:
        return None
    value = datetime.fromisoformat(text)
    if value.tzinfo is not UTC:
        raise ValueError(f"not a UTC time: {text!r}")
    return value
