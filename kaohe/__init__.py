"""kaohe: Chinese government assessment documents into one queryable database."""

__version__ = "0.1.0"

# Bumped whenever extraction output changes, so stored documents are re-extracted on ingest.
EXTRACTOR_VERSION = "4"
