"""CSV files people load (staff, rosters, departments): read whole, judged whole. A file
with any bad row is refused with every bad row named by its line, so it is mended once."""

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from gridcenter.domain.errors import Refused


@dataclass(frozen=True)
class Problem:
    line: int  # the file's line number, the header being line 1
    text: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.text}"


class BadFile(Refused):
    """A file refused whole: nothing of it was loaded."""

    def __init__(self, name: str, problems: Sequence[Problem]) -> None:
        self.name = name
        self.problems = tuple(problems)
        rows = len({problem.line for problem in self.problems})
        super().__init__(
            f"{name} refused, nothing loaded: {rows} bad row{'s' if rows != 1 else ''}"
        )


@dataclass(frozen=True)
class Row:
    line: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")


def read_rows(
    text: str, name: str, required: Sequence[str], optional: Sequence[str] = ()
) -> Iterator[Row | Problem]:
    """The rows of a CSV text under a header naming every `required` column and perhaps some
    `optional` ones, in any order; cells stripped. A wrong header refuses the file at once;
    a row with too many or too few cells is a Problem."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except StopIteration:
        raise BadFile(
            name, [Problem(1, f"the file is empty; its header is {','.join(required)}")]
        ) from None
    except csv.Error as error:
        raise BadFile(name, [Problem(1, f"not CSV: {error}")]) from None
    missing = [column for column in required if column not in header]
    unknown = [column for column in header if column not in (*required, *optional)]
    repeated = sorted({column for column in header if header.count(column) > 1})
    if missing or unknown or repeated:
        wanted = ",".join(required) + "".join(f"[,{column}]" for column in optional)
        found = "; ".join(
            part
            for part in (
                f"missing {', '.join(missing)}" if missing else "",
                f"unknown {', '.join(unknown)}" if unknown else "",
                f"repeated {', '.join(repeated)}" if repeated else "",
            )
            if part
        )
        raise BadFile(name, [Problem(1, f"the header must be {wanted} ({found})")])
    line = reader.line_num
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield Problem(start, f"not CSV: {error}")
            return
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        if len(cells) != len(header):
            yield Problem(start, f"{len(cells)} cells where the header has {len(header)}")
            continue
        yield Row(start, {column: cell.strip() for column, cell in zip(header, cells, strict=True)})


def duplicates(rows: Sequence[Row], column: str, what: str) -> list[Problem]:
    """A code given twice in one file: each later row names the line of the first."""
    first: dict[str, int] = {}
    problems = []
    for row in rows:
        key = row[column].lower()
        if not key:
            continue
        if key in first:
            problems.append(
                Problem(row.line, f"{what} {row[column]} is already on line {first[key]}")
            )
        else:
            first[key] = row.line
    return problems
