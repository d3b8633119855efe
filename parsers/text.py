"""Plain-text parser: text exported from Word/PDF/web pages, with tables in two layouts.

* Row layout: one table row per line, cells separated by tabs. A page break leaves a blank line
  and a *fragment row* (leading cells empty, no figures of its own) that continues the row above.
* Block layout (Word's text export): one cell per line, each indented by a tab, a blank line after
  each row; a line without the tab continues the cell above (a wrapped cell).

Everything else becomes paragraphs. Cell text is kept as found (markup is removed later, by the
normalize stage), so the parser stays lossless.
"""

from __future__ import annotations

import codecs
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from parsers._text_grid import FIGURE, cell_table, fill_merged_down, restore_spans
from parsers.text_layouts import (
    Region,
    blank_separated_stream,
    closed_pipe_rows,
    markdown_rows,
    pipe_rows,
    separated_rows,
    separated_stream,
    trailing_pipe_stream,
)
from schema.errors import ParseError
from schema.records import Block, Paragraph, ParsedDocument, Table

# A cell that is a figure of its own (points, scores, counts): a fragment row never has one.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes, path: str) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16/32 (BOM or NUL pattern), GB18030 or Big5.

    Raises ParseError rather than guessing: a file that decodes under none of them, or binary data.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise ParseError(path, f"starts with a {encoding} byte-order mark but is not valid {encoding}") from exc
    if b"\x00" in data[:4096]:
        return _decode_utf16_without_bom(data, path)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = [enc for enc in ("gb18030", "big5") if _decodes(data, enc)]
    if not candidates:
        raise ParseError(path, "cannot determine the text encoding (tried UTF-8, UTF-16, GB18030, Big5)")
    if len(candidates) == 1:
        return data.decode(candidates[0]), candidates[0]
    # Both legacy codecs accept most double-byte text; let charset-normalizer judge which reads as language.
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=candidates).best()
    encoding = best.encoding if best is not None else candidates[0]
    encoding = "big5" if "big5" in encoding else "gb18030"
    return data.decode(encoding), encoding


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _decode_utf16_without_bom(data: bytes, path: str) -> tuple[str, str]:
    # ASCII and most CJK punctuation put their NUL byte at a fixed parity in UTF-16.
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    encoding = "utf-16-le" if odd_nuls > even_nuls else "utf-16-be"
    if max(even_nuls, odd_nuls) < len(data) // 8:
        raise ParseError(path, "binary data, not a text file")
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        raise ParseError(path, "contains NUL bytes but is not valid UTF-16: binary data, not text") from exc


@dataclass
class _RowBuilder:
    """Accumulates the rows of one table region while lines are read."""

    rows: list[list[str]] = field(default_factory=list)
    after_blank: list[bool] = field(default_factory=list)  # row came after a blank line (page break)

    def add(self, cells: list[str], after_blank: bool) -> None:
        self.rows.append(cells)
        self.after_blank.append(after_blank)


def _is_fragment(row: list[str], previous: list[str]) -> bool:
    """A page-break fragment: leading cells empty, no figures, text that continues the row above."""
    if not previous or not row or row[0].strip():
        return False
    filled = [c for c in row if c.strip()]
    if not filled or any(FIGURE.match(c) for c in filled):
        return False
    leading_empty = next(i for i, cell in enumerate(row) if cell.strip())
    return leading_empty >= 2


def _join_fragment(previous: list[str], fragment: list[str]) -> list[str]:
    joined = list(previous) + [""] * max(0, len(fragment) - len(previous))
    for index, text in enumerate(fragment):
        if text.strip():
            joined[index] = f"{joined[index]}\n{text}" if joined[index].strip() else text
    return joined


def _row_table(lines: list[tuple[str, bool]]) -> Table:
    builder = _RowBuilder()
    split = [(line.split("\t"), after_blank) for line, after_blank in lines]
    widths = Counter(len(cells) for cells, _ in split if len(cells) > 1)
    width = widths.most_common(1)[0][0] if widths else 0
    index = 0
    while index < len(split):
        cells, after_blank = split[index]
        # A cell with a line break splits its row over two lines: "…\t开展课程" + "次数\t≥150\t10".
        while (
            index + 1 < len(split)
            and not split[index + 1][1]
            and 1 < len(cells) < width
            and len(cells) + len(split[index + 1][0]) - 1 == width
        ):
            following = split[index + 1][0]
            cells = [*cells[:-1], f"{cells[-1]}\n{following[0]}", *following[1:]]
            index += 1
        index += 1
        if builder.rows and len(cells) == 1 and not after_blank:
            # A line without tabs right under a row: the row's last cell wrapped.
            previous = builder.rows[-1]
            previous[-1] = f"{previous[-1]}\n{cells[0]}" if previous[-1] else cells[0]
            continue
        if builder.rows and after_blank and _is_fragment(cells, builder.rows[-1]):
            builder.rows[-1] = _join_fragment(builder.rows[-1], cells)
            continue
        builder.add(cells, after_blank)
    return _table(builder.rows)


def _block_table(lines: list[tuple[str, bool]]) -> Table:
    """Block layout: tab-indented cell lines; blank line ends a row; untabbed line continues a cell."""
    rows: list[list[str]] = []
    current: list[str] = []
    for line, after_blank in lines:
        if after_blank and current:
            rows.append(current)
            current = []
        if line.startswith("\t"):
            current.append(line[1:])
        elif current:
            current[-1] = f"{current[-1]}\n{line}"
        else:
            current.append(line)
    if current:
        rows.append(current)
    return _table(rows)


def _table(rows: list[list[str]]) -> Table:
    return cell_table(restore_spans(rows))


def _is_cell_line(line: str) -> bool:
    """Block layout line: one cell, indented by a single leading tab."""
    return line.startswith("\t") and "\t" not in line[1:]


def _split_regions(lines: list[str]) -> list[tuple[str, list[tuple[str, bool]]]]:
    """Group lines into ('para', [line]) and ('table', [(line, after_blank)]) regions in order."""
    regions: list[tuple[str, list[tuple[str, bool]]]] = []
    table: list[tuple[str, bool]] = []
    blank_before = False
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip() and "\t" not in line:
            blank_before = True
            continue
        if "\t" in line:
            table.append((line, blank_before))
        elif table and not blank_before:
            # A line without tabs directly under a table line: the cell above wrapped.
            table.append((line, False))
        else:
            if table:
                regions.append(("table", table))
                table = []
            regions.append(("para", [(line, blank_before)]))
        blank_before = False
    if table:
        regions.append(("table", table))
    return regions


# Web-text layouts, tried in order; the first that finds its table reads it.
_LAYOUTS = (
    pipe_rows, markdown_rows, separated_rows, closed_pipe_rows, trailing_pipe_stream, separated_stream,
    blank_separated_stream,
)


def parse_text_string(text: str) -> tuple[Block, ...]:
    """Split decoded text into paragraphs and tables, in reading order."""
    lines = text.splitlines()
    for layout in _LAYOUTS:
        region = layout(lines)
        if region is not None:
            return (*_blocks(lines[: region.start]), _region_table(region),
                    *parse_text_string("\n".join(lines[region.end :])))
    return _blocks(lines)


def _region_table(region: Region) -> Table:
    if region.stream:
        return replace(cell_table([[(row[0], False)] for row in region.rows]), layout="stream")
    return cell_table(fill_merged_down(region.rows))


def _blocks(lines: list[str]) -> tuple[Block, ...]:
    blocks: list[Block] = []
    for kind, region_lines in _split_regions(lines):
        if kind == "para":
            blocks.append(Paragraph(text=region_lines[0][0].strip()))
            continue
        tabbed = [line for line, _ in region_lines if "\t" in line]
        cell_lines = sum(_is_cell_line(line) for line in tabbed)
        table = _block_table(region_lines) if cell_lines * 2 > len(tabbed) else _row_table(region_lines)
        blocks.append(table)
    return tuple(blocks)


def parse_text(path: Path) -> ParsedDocument:
    """Parse a .txt file; raises ParseError for empty, binary or undecodable input."""
    data = path.read_bytes()
    text, encoding = decode_text(data, str(path))
    if not text.strip():
        raise ParseError(str(path), "no text (file is blank)")
    return ParsedDocument(source=str(path), format="text", blocks=parse_text_string(text), encoding=encoding)
