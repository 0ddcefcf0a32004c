"""建筑起重机械 (machinery bounded context)."""
