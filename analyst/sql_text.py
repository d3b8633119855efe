"""SQL as text, without a parser: its words outside strings and comments (what the query guard
checks), and its ``:name`` placeholders with the values ``kaohe query -p`` binds to them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass


class ParameterError(ValueError):
    """A placeholder without a value, or a value without a placeholder; ``str()`` is one line."""


TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z))
    | (?P<estring>[Ee]'(?:[^'\\]|\\.|'')*(?:'|\Z))
    | (?P<string>'(?:[^']|'')*(?:'|\Z))
    | (?P<dollar>\$\$.*?(?:\$\$|\Z)|\$(?P<tag>[^\W\d]\w*)\$.*?(?:\$(?P=tag)\$|\Z))
    | (?P<quoted>"(?:[^"]|"")*(?:"|\Z)|`(?:[^`]|``)*(?:`|\Z)|\[[^\]]*(?:\]|\Z))
    | (?P<number>\d[\w.]*)
    | (?P<word>[^\W\d]\w*)
    | (?P<other>.)
    """,
    re.DOTALL | re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "word" or "other"; literals, quoted names and comments are not kept
    text: str
    start: int


def tokens(sql: str) -> list[Token]:
    """The words and punctuation of ``sql``, skipping strings, quoted identifiers and comments."""
    tokens = []
    for match in TOKEN.finditer(sql):
        kind = match.lastgroup
        if kind in ("word", "other"):
            tokens.append(Token(kind, match.group(), match.start()))
    return tokens


@dataclass(frozen=True, slots=True)
class QueryParameter:
    """A value bound to ``:name`` in the SQL (``kaohe query -p name value``)."""

    name: str
    value: int | float | str


def parameter_value(text: str) -> int | float | str:
    """``text`` as the value to bind: an integer or a float when it reads as one, else the text.

    A number with a leading zero (``007``) stays text: it is a code, and binding 7 would not
    match the stored ``'007'``. ``nan`` / ``inf`` stay text too.
    """
    if re.fullmatch(r"[+-]?(0|[1-9]\d*)", text):
        return int(text)
    if re.fullmatch(r"[+-]?(0|[1-9]\d*)?\.\d+([eE][+-]?\d+)?|[+-]?(0|[1-9]\d*)(\.\d*)?[eE][+-]?\d+", text):
        return float(text)
    return text


def placeholders(statement: str) -> list[tuple[int, int, str]]:
    """The ``:name`` placeholders of ``statement`` as (start, end, name), outside strings and comments.

    PostgreSQL's ``x::int`` cast is not one: a ``:`` right after or before another ``:`` is skipped.
    """
    found = []
    matches = list(TOKEN.finditer(statement))
    for index, match in enumerate(matches[:-1]):
        following = matches[index + 1]
        before = matches[index - 1].group() if index > 0 else ""
        if (
            match.group() == ":"
            and following.lastgroup == "word"
            and following.start() == match.end()
            and not (before == ":" and matches[index - 1].end() == match.start())
        ):
            found.append((match.start(), following.end(), following.group()))
    return found


def bind(statement: str, parameters: Sequence[QueryParameter], pyformat: bool) -> tuple[str, dict[str, object]]:
    """The statement as the driver takes it with ``parameters``, and their values by name.

    sqlite3 understands ``:name`` itself; psycopg wants ``%(name)s``, and then every literal ``%``
    (``LIKE '%x%'``) must be doubled, or it would be taken for a placeholder.
    """
    values = {parameter.name: parameter.value for parameter in parameters}
    found = placeholders(statement)
    used = {name for _, _, name in found}
    missing = sorted(used - values.keys())
    if missing:
        raise ParameterError(f"no value for :{missing[0]}; give it with -p {missing[0]} VALUE")
    unused = sorted(values.keys() - used)
    if unused:
        raise ParameterError(f"-p {unused[0]} is given but the SQL has no :{unused[0]}")
    if not pyformat:
        return statement, values
    parts = []
    position = 0
    for start, end, name in found:
        parts.append(statement[position:start].replace("%", "%%"))
        parts.append(f"%({name})s")
        position = end
    parts.append(statement[position:].replace("%", "%%"))
    return "".join(parts), values
