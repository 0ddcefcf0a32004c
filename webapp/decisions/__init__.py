"""Decision tables: the list, a readable table page with a test form, and the REST API."""
