"""The directory (组织机构与人员): organisations (enterprises, regulators, agencies, service bodies), districts,
users and their roles, and the visibility rule every selector applies. Every other layer may import it."""
