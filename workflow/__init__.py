"""Use-case services of consultflow: no web, CLI or SQL knowledge lives here."""
