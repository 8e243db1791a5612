"""`python -m mkstatus` runs the command line."""

from __future__ import annotations

from mkstatus.cli.main import main

main()
