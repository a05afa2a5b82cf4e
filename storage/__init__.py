"""Persistence: SQLModel tables, repositories, the unit of work, the audit chain, migrations.

All SQL in consultflow lives under this package.
"""
