"""Renderers: each turns a computed `Site` into files; none reads inputs or the clock."""
