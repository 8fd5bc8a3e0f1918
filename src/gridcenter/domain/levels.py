from enum import StrEnum

from gridcenter.domain.errors import Refused, not_valid


class Level(StrEnum):
    """Escalation levels: who is able to dispose of a case."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"

    @property
    def disposer(self) -> str:
        return _DISPOSERS[self]

    def above(self) -> "Level":
        order = list(Level)
        index = order.index(self)
        if index == len(order) - 1:
            raise Refused("level D (city) is the highest level; the case cannot go higher")
        return order[index + 1]

    def below(self) -> "Level":
        order = list(Level)
        index = order.index(self)
        if index == 0:
            raise Refused("level A (grid) is the lowest level; the case cannot go lower")
        return order[index - 1]

    @classmethod
    def parse(cls, text: str) -> "Level":
        try:
            return cls(text.strip().upper())
        except ValueError:
            raise not_valid("level", text, cls) from None


_DISPOSERS = {Level.A: "grid", Level.B: "street", Level.C: "district", Level.D: "city"}
