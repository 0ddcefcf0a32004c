"""建设工程合同 (contracts bounded context)."""
