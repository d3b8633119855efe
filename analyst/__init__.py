"""The analyst's tools over a kaohe database: read-only queries, output formats, exports, summaries, diffs."""
