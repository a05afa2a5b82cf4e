"""Declarative state machines: states and transitions as data, guards as named functions.

No I/O here. Services compute a guard context from the database and ask a machine
whether a trigger may fire; they never build a machine per row.
"""
