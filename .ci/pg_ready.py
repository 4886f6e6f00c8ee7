"""Exit 0 when the PostgreSQL server at the given SQLAlchemy URL answers."""

import sys

from sqlalchemy import create_engine, text

try:
    engine = create_engine(sys.argv[1], connect_args={"connect_timeout": 3})
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
except Exception as error:  # any failure means "not ready"
    print(f"PostgreSQL not ready: {error.__class__.__name__}", file=sys.stderr)
    sys.exit(1)
