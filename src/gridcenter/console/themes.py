"""Themes are files: every `themes/*.toml` becomes a console theme."""

import tomllib
from pathlib import Path

from textual.theme import Theme

from gridcenter.resources import data_dir

_COLOURS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "success",
    "warning",
    "error",
)


def load_themes(folder: Path | None = None) -> list[Theme]:
    themes = []
    for path in sorted((folder or data_dir("themes")).glob("*.toml")):
        data = tomllib.loads(path.read_text("utf-8"))
        colours = {key: data[key] for key in _COLOURS if key in data}
        themes.append(Theme(name=data["name"], dark=data.get("dark", True), **colours))
    return themes
