"""The neutral kernel: errors and their code registry, the clock, time formatting, actors and entity ids.

Every layer may import it; it imports nothing of the project, so it can never close a cycle.
"""
