"""Build stage: a normalized ParsedDocument → Extraction (document fields, indicators, facts)."""

from __future__ import annotations

from normalizers.points import split_name_points
from normalizers.thresholds import point_range, tier_threshold, veto_effect
from pipeline.build.clauses import ClauseDraft, extract_clauses
from pipeline.build.columns import numbering_rank
from pipeline.build.fields import base_score, declared_total, document_fields, funds_facts
from pipeline.build.inline import inline_indicators
from pipeline.build.numbered import numbered_items
from pipeline.build.outline import outline_items, quality
from pipeline.build.prose import prose_items
from pipeline.build.reconcile import describe, reconcile
from pipeline.build.regroup import collapse_shared_cells, fold_graded_options, regroup_numbered_repeats
from pipeline.build.repeats import join_repeated_headers, merge_repeats
from pipeline.build.runon import expand_runon
from pipeline.build.spaced import expand_spaced
from pipeline.build.stream import expand_streams
from pipeline.build.table import TableResult, same_name, table_indicators
from pipeline.build.text_rows import printed_lines, unfold_text_tables
from pipeline.build.tree import Draft, freeze
from schema.records import Cell, Clause, DocumentInfo, Extraction, Fact, Paragraph, ParsedDocument, Table

# A table's heading line: short, numbered as a section (一、 / （一） / 第一部分, NUMBERING_FORMS rank ≤ 2).
_HEADING_WIDTH = 40
_SECTION_RANK = 2


def _fact(facts: list[Fact], name: str) -> float | None:
    """The value of the last fact called ``name`` that has one: of several totals rows (合计 of
    the scored part, 合计 of the bonus part, 总计) the last is the document's."""
    return next((f.value for f in reversed(facts) if f.name == name and f.value is not None), None)


def _total_points(roots: list[Draft], facts: list[Fact]) -> float | None:
    """The declared total (a 总分 row or note), else the sum of the top-level points (or of the
    leaves' where the top level states none) plus the points of a funds block."""
    declared = _fact(facts, "total_points")
    if declared is not None:
        return declared
    stated = [r.points for r in roots if r.points is not None]
    if not stated:
        stated = [leaf.points for root in roots for leaf in root.leaves() if leaf.points is not None]
    if not stated:
        return None
    return sum(stated) + (_fact(facts, "funds_points") or 0.0)


def build(doc: ParsedDocument, sha256: str) -> Extraction:
    """Turn one normalized document into its indicators, document fields and facts."""
    roots: list[Draft] = []
    facts: list[Fact] = []
    warnings: list[str] = list(doc.warnings)
    lines_before_table: list[Paragraph] = []
    preamble_rows: list[tuple[Cell, ...]] = []
    pending_paragraphs: list[Paragraph] = []
    seen_indicator_table = False
    previous: TableResult | None = None
    notes: list[str] = []
    parts = _Parts(roots)
    headed: list[tuple[int, Draft]] = []  # (id of a table's root, the heading over that table)
    current_heading: Draft | None = None

    def flush_paragraphs() -> None:
        nonlocal previous
        if any(len(p.text) > 40 for p in pending_paragraphs):
            previous = None  # running text between two tables: the second one starts afresh
        listed = inline_indicators(pending_paragraphs)
        listed.extend(_listed_roots(pending_paragraphs))
        parts.add(listed, continued=False)
        pending_paragraphs.clear()

    blocks = join_repeated_headers(unfold_text_tables(expand_runon(expand_spaced(expand_streams(doc.blocks)))))
    for block in blocks:
        if isinstance(block, Paragraph):
            pending_paragraphs.append(block)
            if not seen_indicator_table:
                lines_before_table.append(block)
            continue
        if block.layout == "aligned" and _no_table(block, previous):
            # Words that line up without ruling lines and name no columns: lines of text after all.
            pending_paragraphs.extend(printed_lines(block))
            if not seen_indicator_table:
                lines_before_table.extend(printed_lines(block))
            continue
        heading = _table_heading(pending_paragraphs)
        if heading is not None:
            pending_paragraphs.pop()  # the table's section, not an item of its own
        flush_paragraphs()
        result = table_indicators(merge_repeats(block), previous)
        if heading is not None or not result.continued:
            current_heading = heading
        if current_heading is not None:
            headed.extend((id(root), current_heading) for root in result.roots)
        previous = result if result.header is not None else None
        facts.extend(result.facts)
        notes.extend(result.notes)
        if not seen_indicator_table:
            preamble_rows.extend(result.preamble)
            if block.layout == "aligned":  # a title that lines up with the table is in its grid
                lines_before_table.extend(printed_lines(Table(rows=tuple(result.preamble), page=block.page)))
        if result.header is not None:
            seen_indicator_table = True
        parts.add(result.roots, continued=result.continued)
    flush_paragraphs()
    roots[:] = _under_headings(roots, headed)

    paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
    fields = document_fields(
        lines=[p.text for p in lines_before_table],
        originals=[p.source_text for p in lines_before_table],
        cell_rows=preamble_rows,
        all_text=[p.text for p in paragraphs],
    )
    facts.extend(funds_facts([p.text for p in paragraphs], preamble_rows))
    if not any(f.name == "total_points" for f in facts):
        stated = declared_total(notes + [p.text for p in paragraphs])
        if stated is not None:
            facts.append(stated)
    base = base_score(notes + [p.text for p in paragraphs])
    if base is not None:
        facts.append(base)
    if not roots:
        warnings.append("no indicator table or inline indicator list found: document loaded with zero indicators")
    roots, clause_drafts = extract_clauses(fold_graded_options(collapse_shared_cells(regroup_numbered_repeats(roots))))
    indicators = freeze(roots)
    checks = reconcile(roots, _fact(facts, "total_points"), outside_points=_fact(facts, "funds_points") or 0.0)
    warnings.extend(describe(c) for c in checks if not c.ok)
    total_score = _fact(facts, "total_score")
    info = DocumentInfo(
        source=doc.source,
        sha256=sha256,
        format=doc.format,
        title=fields.title,
        title_original=fields.title_original,
        organization=fields.organization,
        supervisor=fields.supervisor,
        year=fields.year,
        script=doc.script,
        total_points=_total_points(roots, facts),
        total_score=total_score,
        page_count=doc.page_count,
    )
    return Extraction(
        document=info,
        indicators=indicators,
        clauses=tuple(_clause(c) for c in clause_drafts),
        facts=tuple(facts),
        warnings=tuple(warnings),
        checks=tuple(checks),
    )


class _Parts:
    """Numbers the document's parts as their roots are added: each table, or run of listed items,
    that yields indicators is a part; a table continuing the one before stays in its part."""

    def __init__(self, roots: list[Draft]) -> None:
        self.roots = roots
        self.count = 0

    def add(self, new_roots: list[Draft], continued: bool) -> None:
        if not new_roots:
            return
        if not (continued and self.count):
            self.count += 1
        for root in new_roots:
            root.part = self.count
        self.roots.extend(new_roots)


def _table_heading(paragraphs: list[Paragraph]) -> Draft | None:
    """The section a table's heading line states: numbered in a section form and scored
    ("一、组织领导（20分）" above the table of its items), else None."""
    if not paragraphs:
        return None
    text = paragraphs[-1].text.strip()
    if len(text) > _HEADING_WIDTH:
        return None
    rank = numbering_rank(text)
    name, points = split_name_points(text)
    if rank is None or rank > _SECTION_RANK or points is None or not name.strip():
        return None
    return Draft(name=name.strip(), points=points, page=paragraphs[-1].page)


def _under_headings(roots: list[Draft], headed: list[tuple[int, Draft]]) -> list[Draft]:
    """The roots with each headed table's roots under its heading, when two tables or more are
    headed so (a document in parts "一、…（20分）" table, "二、…（30分）" table); a root that
    already is the heading (a title row repeating it) stays as it is."""
    heading_of = dict(headed)
    if len({id(h) for h in heading_of.values()}) < 2:
        return roots
    out: list[Draft] = []
    for root in roots:
        heading = heading_of.get(id(root))
        if heading is None or same_name(root.name, heading.name):
            out.append(root)
            continue
        if not out or out[-1] is not heading:
            heading.part = root.part
            out.append(heading)
        heading.children.append(root)
    return out


def _no_table(table: Table, previous: TableResult | None) -> bool:
    probe = table_indicators(merge_repeats(table), previous)
    return probe.header is None and not probe.continued


def _listed_roots(paragraphs: list[Paragraph]) -> list[Draft]:
    """Items listed as text, by the reading under which more of their points add up (then more
    leaves are scored): numbered sections of numbered items (which also reads a table flattened
    into interleaved text), a deeper outline, or points stated in prose; ties go in that order."""
    numbered, outline, prose = _numbered_roots(paragraphs), outline_items(paragraphs), prose_items(paragraphs)
    readings = [
        (numbered, quality(numbered)),
        ([], (0, 0)) if outline is None else (outline.roots, (outline.consistent, outline.pointed_leaves)),
        (prose, quality(prose)),
    ]
    best: tuple[list[Draft], tuple[int, int]] = ([], (0, 0))
    for roots, held in readings:
        if roots and (not best[0] or held > best[1]):
            best = (roots, held)
    return best[0]


def _numbered_roots(paragraphs: list[Paragraph]) -> list[Draft]:
    """Sections of numbered items written as text (a rules document without a table)."""
    result = numbered_items(paragraphs)
    if result is None:
        return []
    roots: list[Draft] = []
    for numbered in result.sections:
        if not numbered.name:
            roots.extend(numbered.items)
            continue
        section = Draft(name=numbered.name, name_original=numbered.name_original, points=numbered.total)
        section.children.extend(numbered.items)
        roots.append(section)
    return roots


def _clause(draft: ClauseDraft) -> Clause:
    """The clause record, with what scoring needs beyond the rule: a tier's threshold, a range's
    lower bound (its upper is the cap), a veto's effect (what it vetoes, normalizers.thresholds)."""
    rule = draft.rule
    bounds = point_range(rule.text) if rule.kind in ("deduct", "bonus") and rule.points is None else None
    return Clause(
        indicator_id=None if draft.owner is None else draft.owner.id,
        kind=rule.kind,
        points=rule.points,
        text=rule.text,
        per=rule.per,
        cap=rule.cap if bounds is None else (rule.cap if rule.cap is not None else bounds[1]),
        context=draft.context,
        threshold=tier_threshold(rule.text) if rule.kind == "tier" else None,
        points_min=None if bounds is None else bounds[0],
        effect=veto_effect(f"{rule.text} {draft.context or ''}") if rule.kind == "veto" else None,
    )
