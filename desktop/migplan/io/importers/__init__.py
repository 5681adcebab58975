"""Importers: each reads files and returns records plus an ``ImportReport``; none touches the
document. Turning records into a change is ``merge.plan_import``, which returns one command."""
