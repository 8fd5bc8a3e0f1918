"""The report's layout written as Markdown, CSV or HTML."""

import csv
import io
import re
from html import escape

from gridcenter.report.document import Block, Heading, Paragraph, Table

FORMATS = ("md", "csv", "html")


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(blocks: list[Block]) -> str:
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            lines += ["#" * block.level + " " + block.text, ""]
        elif isinstance(block, Paragraph):
            lines += [block.text, ""]
        else:
            lines.append("| " + " | ".join(map(_md_cell, block.headers)) + " |")
            lines.append("|" + "|".join("---" for _ in block.headers) + "|")
            lines += ["| " + " | ".join(map(_md_cell, row)) + " |" for row in block.rows]
            lines.append("")
    return "\n".join(lines)


def csv_text(blocks: list[Block]) -> str:
    """Every table in one sheet: the section, then the table's own columns."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for block in blocks:
        if isinstance(block, Table):
            writer.writerow(["section", *block.headers])
            writer.writerows([block.name, *map(_inert, row)] for row in block.rows)
    return out.getvalue()


_NUMBER = re.compile(r"-?[\d.,]*%?")


def _inert(cell: str) -> str:
    """A cell a spreadsheet shows rather than runs: a name such as =HYPERLINK(...) or
    +cmd|... (people's names come from staff files) is quoted; numbers and the dash for
    nothing to measure stay as they are."""
    if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


_STYLE = """
body { font-family: "Noto Sans", "Helvetica Neue", Arial, sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.5em; border-bottom: 2px solid #333; padding-bottom: .2em; }
h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: .6em 0; font-size: .9em; }
th, td { border: 1px solid #999; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #eee; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
@media print {
  body { margin: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  tr, table { break-inside: avoid; }
  th { background: #ddd !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _looks_numeric(text: str) -> bool:
    return bool(text) and text.replace(".", "").replace("%", "").replace(" / ", "").isdigit()


def html(blocks: list[Block]) -> str:
    title = next((b.text for b in blocks if isinstance(b, Heading)), "Assessment")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
    ]
    for block in blocks:
        if isinstance(block, Heading):
            parts.append(f"<h{block.level}>{escape(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            parts.append(f"<p>{escape(block.text)}</p>")
        else:
            parts.append("<table><thead><tr>")
            parts += [f"<th>{escape(header)}</th>" for header in block.headers]
            parts.append("</tr></thead><tbody>")
            for row in block.rows:
                cells = (
                    f'<td class="n">{escape(cell)}</td>'
                    if _looks_numeric(cell)
                    else f"<td>{escape(cell)}</td>"
                    for cell in row
                )
                parts.append("<tr>" + "".join(cells) + "</tr>")
            parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def render(blocks: list[Block], fmt: str) -> str:
    if fmt == "md":
        return markdown(blocks)
    if fmt == "csv":
        return csv_text(blocks)
    if fmt == "html":
        return html(blocks)
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
