"""Prefect flows and their schedules (sampling draws, inference batches, the timer sweep, monthly reports, data
syncs). Each flow takes ids/parameters and hands straight to a service."""
