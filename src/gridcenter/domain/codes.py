from datetime import date


def case_code(reported_on: date, number: int) -> str:
    """A case's code: the local day it was reported and its number in the store."""
    return f"{reported_on:%y%m%d}-{number:05d}"
