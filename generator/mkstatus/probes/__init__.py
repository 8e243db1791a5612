"""Probes: their configuration, one run of every probe, error classification, verdicts."""
