"""The theme's files are listed without walking hidden folders, and are the same files."""

from __future__ import annotations

from pathlib import Path

import jinja2
from mkdocs.config import load_config
from mkdocs.structure.files import Files
from mkstatus.mkdocs.theme_files import HiddenFoldersSkipped, skip_hidden_folders

from tests.conftest import copy_demo


def _theme_files(config: object, env: jinja2.Environment) -> list[tuple[str, str]]:
    files = Files([])
    files.add_files_from_theme(env, config)  # type: ignore[arg-type]
    return sorted((f.src_uri, f.abs_src_path or "") for f in files)


def test_the_listing_keeps_every_file_mkdocs_keeps(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "demo")
    config = load_config(config_file=str(root / "mkdocs.yml"))
    custom = Path(config.theme.dirs[0])
    (custom / ".hidden").mkdir()
    (custom / ".hidden" / "x.css").write_text("a {}")
    (custom / "kept").mkdir()
    (custom / "kept" / "y.css").write_text("b {}")
    (custom / "kept" / ".z.css").write_text("c {}")
    stock = config.theme.get_env()
    assert type(stock.loader) is jinja2.FileSystemLoader
    skip_hidden_folders(config.theme)
    skip_hidden_folders(config.theme)  # once is enough; twice changes nothing
    pruned = config.theme.get_env()
    assert isinstance(pruned.loader, HiddenFoldersSkipped)
    assert pruned.loader.searchpath == stock.loader.searchpath
    listed = _theme_files(config, pruned)
    assert listed == _theme_files(config, stock)
    names = [uri for uri, _ in listed]
    assert "kept/y.css" in names and "kept/.z.css" not in names
    assert not any(part.startswith(".") for uri in names for part in uri.split("/"))
    assert len(pruned.loader.list_templates()) < len(stock.loader.list_templates()) / 10
