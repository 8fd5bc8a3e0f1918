"""Where the shipped data lives: inside the wheel, or at the top of a source checkout."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """`seed` or `themes`, from an installed wheel or from the repository."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parents[1] / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"gridcenter's {name}/ folder is missing from this installation")


def package_file(relative: str) -> Path:
    """A data file shipped inside the package itself."""
    return _PACKAGE / relative
