"""The theme's files, listed without walking its hidden folders.

Adapter code. Every MkDocs build lists all files of the theme's folders
(``Files.add_files_from_theme``, through the Jinja loader's ``list_templates``) and then
drops, by name, every one under a hidden folder. Material keeps its 14,000 icons in
``.icons/``, so that walk and filter were a tenth of a 100-incident build, the same at
every size. ``HiddenFoldersSkipped`` lists the same files MkDocs keeps without entering a
hidden folder: MkDocs' own patterns (``.*`` and ``*/.*``) drop every file whose path has
a part starting with a dot.
"""

from __future__ import annotations

import os
from typing import Any

import jinja2


class HiddenFoldersSkipped(jinja2.FileSystemLoader):
    """Jinja's file loader, whose ``list_templates`` does not enter hidden folders."""

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for top in self.searchpath:
            for folder, subfolders, names in os.walk(top, followlinks=self.followlinks):
                subfolders[:] = [name for name in subfolders if not name.startswith(".")]
                rel = os.path.relpath(folder, top)
                prefix = "" if rel == os.curdir else rel.replace(os.sep, "/") + "/"
                found.update(prefix + name for name in names)
        return sorted(found)


def skip_hidden_folders(theme: Any) -> None:
    """Each Jinja environment ``theme`` (MkDocs' ``Theme``) makes from now on loads its
    templates through ``HiddenFoldersSkipped``, from the same folders."""
    if getattr(theme, "_mkstatus_listing", False):
        return
    make_env = theme.get_env

    def get_env() -> jinja2.Environment:
        env = make_env()
        if type(env.loader) is jinja2.FileSystemLoader:
            env.loader = HiddenFoldersSkipped(env.loader.searchpath,
                                              encoding=env.loader.encoding,
                                              followlinks=env.loader.followlinks)
        return env

    theme.get_env = get_env
    theme._mkstatus_listing = True
