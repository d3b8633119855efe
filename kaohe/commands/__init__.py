"""Sub-commands of the ``kaohe`` CLI beyond ingest/extract, one module each."""
