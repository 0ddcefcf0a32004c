"""安管人员 (personnel bounded context)."""
