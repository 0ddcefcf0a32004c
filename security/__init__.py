"""Commercial cryptography and integrity (密码应用, GB/T 39786 level 3): SM2/SM3/SM4, password hashing, field
encryption, the tamper-evident audit trail and access-control integrity. Imports nothing of ours."""
