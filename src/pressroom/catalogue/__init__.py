"""The message catalogues: the fixed words of every output, one YAML file per language (see labels.py)."""
