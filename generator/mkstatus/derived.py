"""Where a site's derived caches live: ``.mkstatus-cache/`` next to ``mkdocs.yml``.

Everything in it is rebuilt when missing (the sample cache, compiled templates), so it
is never committed (``mkstatus init``'s ``.gitignore`` ignores ``.mkstatus-*``);
``$MKSTATUS_CACHE_DIR`` moves it, ``off`` disables it.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir(project_root: Path) -> Path | None:
    """A site's cache folder, or None when ``$MKSTATUS_CACHE_DIR=off``."""
    where = os.environ.get("MKSTATUS_CACHE_DIR", "")
    if where.lower() == "off":
        return None
    return Path(where) if where else project_root / ".mkstatus-cache"
