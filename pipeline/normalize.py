"""Normalize stage: one script (simplified), clean whitespace and markup; originals kept.

The script is decided once per document (traditional documents are converted as a whole), so a
simplified document is never touched by OpenCC — t2s is not the identity on every simplified text.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from normalizers.text import detect_script, normalize_text
from schema.records import Block, Cell, Paragraph, ParsedDocument, Script

# Enough text to tell the script apart; converting the whole document just to look is wasted work.
_SCRIPT_SAMPLE = 4000


def _text_sample(doc: ParsedDocument) -> str:
    parts: list[str] = []
    size = 0
    for block in doc.blocks:
        texts = [block.text] if isinstance(block, Paragraph) else [
            cell.text for row in block.rows for cell in row if not cell.spanned
        ]
        for text in texts:
            parts.append(text)
            size += len(text)
            if size >= _SCRIPT_SAMPLE:
                return "\n".join(parts)[:_SCRIPT_SAMPLE]
    return "\n".join(parts)


def _original(raw: str, text: str, script: Script) -> str | None:
    """The pre-conversion text, kept where script conversion changed it (markup is not kept)."""
    if script != "hant":
        return None
    cleaned = normalize_text(raw, "hans")
    return cleaned if cleaned != text else None


@lru_cache(maxsize=65536)
def _normalized(raw: str, script: Script) -> tuple[str, str | None]:
    # Grids repeat their texts (a merged cell in every place it covers, empty cells by the
    # thousand): each distinct text is normalized once.
    text = normalize_text(raw, script)
    return text, _original(raw, text, script)


def _cell(cell: Cell, script: Script) -> Cell:
    text, original = _normalized(cell.text, script)
    if text == cell.text and original == cell.original:
        return cell
    return replace(cell, text=text, original=original)


def _block(block: Block, script: Script) -> Block:
    if isinstance(block, Paragraph):
        text = normalize_text(block.text, script)
        return replace(block, text=text, original=_original(block.text, text, script))
    rows = tuple(tuple(_cell(cell, script) for cell in row) for row in block.rows)
    return replace(block, rows=rows)


def normalize(doc: ParsedDocument) -> ParsedDocument:
    """Return the document in simplified script with markup and wrap-whitespace removed."""
    script = detect_script(_text_sample(doc))
    blocks = tuple(_block(b, script) for b in doc.blocks)
    # Paragraphs that normalize to nothing (bookmark debris, stray tags) carry no content.
    blocks = tuple(b for b in blocks if not (isinstance(b, Paragraph) and not b.text))
    return replace(doc, blocks=blocks, script=script)
