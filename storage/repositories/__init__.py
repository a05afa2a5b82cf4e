"""Repositories: the only place services' queries are written."""
