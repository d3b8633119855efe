"""Tables that hold nothing but lines of text: a sheet or a one-column table used as a page.

A spreadsheet published as a document ("农村工作年度目标责任书" in A1, then one paragraph per row,
each merged across the sheet), or a Word text box drawn as a one-cell table, is a grid only in
form: every row says one thing. Read as a table its rows have no columns to give roles to; read
as paragraphs they go to the numbered- and inline-item readers, as the same text in a DOCX body
or a web page does.
"""

from __future__ import annotations

from collections.abc import Sequence

from schema.records import Block, Cell, Paragraph, Table


def _row_text(row: tuple[Cell, ...]) -> Cell | None:
    """The one text a row says, or None where it has cells of different texts (a table row)."""
    texts = [cell for cell in row if not cell.spanned and cell.text.strip()]
    distinct = {cell.text for cell in texts}
    return texts[0] if len(distinct) == 1 else None


def text_lines(table: Table) -> list[Paragraph] | None:
    """The table's rows as paragraphs, when every row that says anything says one thing."""
    if table.layout != "grid":
        return None
    paragraphs: list[Paragraph] = []
    for index, row in enumerate(table.rows):
        if not any(cell.text.strip() for cell in row):
            continue
        cell = _row_text(row)
        if cell is None:
            return None
        page = table.row_pages[index] if index < len(table.row_pages) else table.page
        paragraphs.append(Paragraph(text=cell.text.strip(), page=page, original=cell.original))
    return paragraphs or None


def printed_lines(table: Table) -> list[Paragraph]:
    """Every row of a grid as the line of text it was printed as, its cells' texts in order: a
    grid found by its words' alignment (a PDF page without ruling lines) that names no columns."""
    paragraphs: list[Paragraph] = []
    for index, row in enumerate(table.rows):
        line = " ".join(c.text.strip() for c in row if c.text.strip() and not c.spanned)
        if line:
            page = table.row_pages[index] if index < len(table.row_pages) else table.page
            paragraphs.append(Paragraph(text=line, page=page))
    return paragraphs


def unfold_text_tables(blocks: Sequence[Block]) -> list[Block]:
    """The blocks, each table of text lines replaced by its paragraphs."""
    out: list[Block] = []
    for block in blocks:
        lines = text_lines(block) if isinstance(block, Table) else None
        if lines is None:
            out.append(block)
        else:
            out.extend(lines)
    return out
