"""Alembic's entry point for the library's migrations. ``passerelle.ui.library.database``
hands it an open connection inside a transaction; nothing here configures logging."""

from __future__ import annotations

from alembic import context

from passerelle.ui.library.schema import include_object, metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("the library's migrations run from passerelle.ui.library (Library.open), which hands them a connection")
context.configure(
    connection=connection,
    target_metadata=metadata,
    include_object=include_object,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
