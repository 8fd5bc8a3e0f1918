from collections.abc import Iterable


class Refused(Exception):
    """An action the domain rules do not allow; the message is for a supervisor."""


class Clash(Refused):
    """A change the store refused because another writer stored the same thing first."""


class TooLate(Refused):
    """A request made after the deadline it would move: refused, and the refusal counted."""


class Stale(Refused):
    """A change made on a version of a case that someone else has changed since."""


def not_valid(what: str, text: str, valid: Iterable[str]) -> Refused:
    """The refusal of a value outside a fixed set; it names the valid ones."""
    return Refused(f"{text!r} is not a valid {what}: {', '.join(valid)}")
