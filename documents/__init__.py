"""Official documents: PDF generation (reportlab, embedded CJK font), templates for notices, decisions,
certificates and receipts, e-seals (SM2 signatures modelled on GB/T 38540), storage with SM3 digests and public
verification."""
