"""全国工程质量安全监管平台 (national quality-and-safety supervision platform): verify a crane's filing and
request its registration code (赋码). ``NATIONAL_PLATFORM_URL=local`` uses the in-process simulator."""

from .client import NationalPlatformClient, NationalPlatformError, client, local_simulator

__all__ = ["NationalPlatformClient", "NationalPlatformError", "client", "local_simulator"]
