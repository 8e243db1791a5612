"""The MkDocs adapter: the plugin, the theme layer and the atomic build."""
