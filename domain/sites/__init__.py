"""工地现场监管 (sites bounded context)."""
