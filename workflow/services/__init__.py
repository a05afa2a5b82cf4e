"""One module per use case. Each takes an open unit of work, a clock and an actor, and commits."""
