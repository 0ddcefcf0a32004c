"""Process operations (流程运维): the system administrator's view of every case's engine state — incidents to retry,
cases to suspend, resume or terminate — with the reason of each intervention on the audit trail."""
