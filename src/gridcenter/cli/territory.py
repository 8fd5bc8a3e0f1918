"""`gridcenter territory ...`: the district's streets, communities and grids as GeoJSON."""

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from gridcenter.cli.common import fail, run_with_context
from gridcenter.cli.output import say
from gridcenter.domain.access import Action
from gridcenter.domain.territory import (
    ADDED,
    CHANGED,
    LEVELS,
    REMOVED,
    TerritoryInvalid,
    feature_collection,
)
from gridcenter.formatting import json_text
from gridcenter.queries.territory import territory_places
from gridcenter.services.context import Context
from gridcenter.services.territory import Imported, import_territory

app = typer.Typer(
    help="The district's territory: streets, communities and grids.", no_args_is_help=True
)

_PLURAL = {
    "district": "districts",
    "street": "streets",
    "community": "communities",
    "grid": "grids",
}


def read_geojson(path: Path) -> Any:
    """The file's JSON, or one line saying why it cannot be read."""
    try:
        return json.loads(path.read_text("utf-8"))
    except OSError as error:
        fail(f"cannot read {path}: {error.strerror}")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        fail(f"{path} is not a JSON file: {error}")
    except RecursionError:
        fail(f"{path} is nested too deeply to be a territory")


def geojson_text(collection: dict[str, Any]) -> str:
    """A FeatureCollection with one feature a line: short to read, easy to compare."""
    features = ",\n".join(json_text(item, indent=None) for item in collection["features"])
    return f'{{"type": "FeatureCollection", "features": [\n{features}\n]}}\n'


def _summary(result: Imported) -> list[str]:
    lines = []
    for action in (ADDED, CHANGED, REMOVED):
        counts = [
            f"{n} {_PLURAL[level] if n != 1 else level}"
            for level in LEVELS
            if (n := result.count(action, level))
        ]
        if counts:
            lines.append(f"{action}: {', '.join(counts)}")
    lines.append(f"unchanged: {result.unchanged} places")
    for gap in result.gaps:
        lines.append(
            f"warning: community {gap.community}: {gap.area_m2:,.0f} m2 no grid covers, "
            f"around {gap.inside.lat}, {gap.inside.lon}"
        )
    return lines


@app.command("import")
def import_(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A GeoJSON FeatureCollection.", metavar="FILE")],
) -> None:
    """Load the territory from a GeoJSON file, whole or not at all: places are matched by
    code, so a re-import renames and redraws them and keeps their cases and history."""
    data = read_geojson(path)

    def work(context: Context) -> None:
        try:
            result = import_territory(context, data)
        except TerritoryInvalid as invalid:
            for problem in invalid.problems:
                say(f"error: {problem}", err=True)
            count = len(invalid.problems)
            fail(f"{path}: nothing was loaded ({count} error{'' if count == 1 else 's'} above)")
        for line in _summary(result):
            say(line)

    run_with_context(ctx, work, needs=Action.LOAD_TERRITORY)


@app.command("export")
def export(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(help="Where to write it; the standard output if none.", metavar="FILE"),
    ] = None,
) -> None:
    """Write the territory as GeoJSON, in the format `territory import` reads (an account
    of one street or community writes its own branch)."""

    def work(context: Context) -> None:
        with context.db.read() as session:
            places = territory_places(session, context.actor.territory)
        if not places:
            fail("the store holds no territory yet: load one with `gridcenter territory import`")
        text = geojson_text(feature_collection(places))
        if path is None:
            print(text, end="")
            return
        try:
            path.write_text(text, "utf-8")
        except OSError as error:
            fail(f"cannot write {path}: {error.strerror}")
        say(f"wrote {len(places)} places to {path}")

    run_with_context(ctx, work)
