"""Incident files: strict YAML front matter, parsing, the rules between updates, editing."""
