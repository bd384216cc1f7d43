"""Mail going out: the practice month's plan, composing, SMTP, and the ledger of what was sent.

Nothing here imports `companion.inbound`; inbound uses the ledger and the composer to
acknowledge replies (see the import-linter contracts in pyproject.toml).
"""
