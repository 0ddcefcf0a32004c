"""一网通办 (Shanghai government online-services portal) identity: an authorization-code client and a local
simulator that speaks the same contract."""
