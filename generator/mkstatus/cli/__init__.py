"""The click command line: one module per command family; `main` is the group."""
