"""Recompute after imports: filled in by compute (H1)."""
