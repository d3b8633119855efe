"""What is wrong with a damaged DOCX/XLSX package or .xls workbook, in words: the detail after
"corrupt .docx or not a Word document (…)", in place of the library's exception ("KeyError:
\"There is no item named '[Content_Types].xml' in the archive\"").
"""

from __future__ import annotations

import re

_MISSING_PART = re.compile(r"no item named '([^']{1,80})'")
# Exception type names (anywhere in the chain) → what is wrong with the file. First match wins.
_DAMAGE: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"XMLSyntaxError", "ParseError", "ExpatError"}), "an XML part is damaged or cut off"),
    (frozenset({"BadZipFile", "BadZipfile", "LargeZipFile", "error", "EOFError", "OSError", "NotImplementedError"}),
     "its zip container is damaged"),
    (frozenset({"CompDocError"}), "its compound-file structure is damaged"),
    (frozenset({"XLRDError"}), "its records are damaged"),
    (frozenset({"PackageNotFoundError"}), "it is not an Office package"),
    (frozenset({"RecursionError"}), "its parts are nested or linked too deeply"),
    (frozenset({"KeyError", "ValueError", "TypeError", "IndexError", "AttributeError", "AssertionError",
                "OverflowError", "UnicodeDecodeError", "InvalidFileException", "LookupError"}),
     "a part or a value in it is missing or malformed"),
)


def package_damage(exc: BaseException) -> str:
    """A few words saying what is damaged, for a reason of one line."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    missing = next((m for e in chain if (m := _MISSING_PART.search(str(e)))), None)
    if missing is not None:
        return f"part {missing.group(1)} is missing"
    names = {type(e).__name__ for e in chain}
    for kinds, words in _DAMAGE:
        if names & kinds:
            return words
    return "it cannot be read"
