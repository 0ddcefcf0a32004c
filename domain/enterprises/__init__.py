"""企业资质与安全生产许可 (enterprises bounded context)."""
