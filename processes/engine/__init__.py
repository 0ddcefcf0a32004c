"""The SpiffWorkflow runtime: the only module that touches Spiff objects."""
