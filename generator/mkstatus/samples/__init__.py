"""Probe samples: the model, the locked append-only store, the reader, compaction and
the derived cache."""
