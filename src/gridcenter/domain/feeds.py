"""What a line from a device, a field app or a server may say about time: one reading of
it for every feed, so that each refuses the same broken times in the same words."""

from datetime import UTC, datetime

# A time outside these years is a broken clock or a forged record, not an event.
EARLIEST, LATEST = 1970, 2100


def feed_time(value: object, name: str) -> datetime:
    """An ISO 8601 time with its offset (Z allowed), in UTC; or ValueError saying why not."""
    text = str(value).strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{name} {text[:40]!r} is not an ISO time") from None
    if moment.tzinfo is None:
        raise ValueError(f"{name} {text!r} needs a time zone (+08:00 or Z)")
    try:
        in_utc = moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{name} {text!r} is out of range ({EARLIEST}-{LATEST})") from None
    if not EARLIEST <= in_utc.year <= LATEST:
        raise ValueError(f"{name} {text!r} is out of range ({EARLIEST}-{LATEST})")
    return in_utc
