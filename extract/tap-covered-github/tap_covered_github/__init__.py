"""tap-github with pull requests filtered by their bookmark (see tap.py)."""
