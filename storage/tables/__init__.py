"""One module per table, each loaded when its table is first used (through ``storage.models``).

Importing this package imports no table: see ``storage.models`` for why.
"""
