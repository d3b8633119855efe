"""Build stage: document understanding, a normalized ParsedDocument → Extraction.

One module per concern, so that a table bug is found by folder name:

- ``document``: the stage itself, chaining the others over a document's blocks;
- ``vocabulary``: header words per column role, numbering forms (data, with their sources);
- ``columns``: header rows and column roles (header words and column content);
- ``table``: table rows → indicator trees (sections, merged cells, continuations);
- ``numbered`` / ``inline``: rules and indicators written as running text;
- ``clauses``: scoring rules of items and of 加分/扣分 sections;
- ``reconcile``: declared totals against their sums;
- ``fields``: title, organization, year, funds block;
- ``tree`` / ``framework``: the draft indicator tree, the national indicator framework names.
"""

from pipeline.build.document import build

__all__ = ["build"]
