"""How times and durations read on screen and in listings."""

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo


def duration(seconds: float) -> str:
    """A compact span: 45s, 12m, 3h05m, 2d04h."""
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d{hours:02d}h"
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"


def time_left(seconds: float | None, parked: bool = False) -> str:
    """`2h05m left`, `OVER 1h10m`, `paused`."""
    if seconds is None:
        return "-"
    if parked:
        return f"paused {duration(seconds)}"
    if seconds < 0:
        return f"OVER {duration(seconds)}"
    return f"{duration(seconds)} left"


def local(moment: datetime | None, tz: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "" if moment is None else moment.astimezone(tz).strftime(fmt)


def change(before: str | None, after: str | None, tz: ZoneInfo) -> str:
    """A recorded change as it reads: `dispatched -> fed_back`; a moment recorded as an ISO
    time (a deadline moved by an extension) in local time; empty when nothing changed."""
    if not (before or after):
        return ""
    return f"{_value(before, tz)} -> {_value(after, tz)}"


def _value(text: str | None, tz: ZoneInfo) -> str:
    if not text:
        return "-"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return local(moment, tz) if moment.tzinfo else text


def words(name: str) -> str:
    """A stored name as it reads on screen: fed_back is "fed back"."""
    return name.replace("_", " ")


# Characters that must never reach a terminal as they are: C0 and C1 controls (ESC starts
# clipboard writes, title changes and screen clears), and the bidi controls that make a
# line read differently from what it holds (U+202E). Stored text keeps them as received;
# they are shown as visible escapes such as \x1b or \u202e.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SEPARATORS = frozenset("\u2028\u2029\x85")


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _unsafe(char: str) -> bool:
    code = ord(char)
    return code < 0x20 or 0x7F <= code < 0xA0 or char in _BIDI or char in _SEPARATORS


def printable(text: str, *, lines: bool = False) -> str:
    """Text from people and feeds, made safe for a terminal: every control, separator and
    bidi-override character shown as a visible escape. With `lines`, newlines stay (a body
    read on several lines) and tabs become spaces."""
    if not any(_unsafe(char) for char in text):
        return text
    out = []
    for char in text:
        if lines and char == "\n":
            out.append(char)
        elif lines and char == "\t":
            out.append("    ")
        elif _unsafe(char):
            out.append(_escape(char))
        else:
            out.append(char)
    return "".join(out)


# JSON escapes C0 controls itself; these it would leave raw in a string.
_RAW_IN_JSON = re.compile("[\x7f-\x9f" + "".join(sorted(_BIDI | _SEPARATORS)) + "]")


def json_text(value: object, indent: int | None = 1) -> str:
    """JSON of `value` that gives back the exact text it holds and is still safe on a
    terminal: every control, separator and bidi character is a \\u escape. With `indent`
    None, on one line."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _RAW_IN_JSON.sub(lambda found: f"\\u{ord(found.group()):04x}", text)
