"""DMN evaluation engine."""
