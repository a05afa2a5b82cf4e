"""Report data built from the database; rendering to documents lives in ``documents/``."""
