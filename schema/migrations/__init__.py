"""Alembic migrations of the kaohe schema; run them with :mod:`schema.migrate` or ``kaohe db upgrade``.

There is no alembic.ini: :func:`schema.migrate.alembic_config` builds the configuration in code, so
the migrations work the same from a source checkout and from a pip-installed kaohe.
"""
