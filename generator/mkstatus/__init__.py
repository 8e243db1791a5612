"""mkstatus: a static status page generator built on MkDocs and Material for MkDocs."""

from __future__ import annotations

__version__ = "0.1.0"
