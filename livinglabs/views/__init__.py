"""Pages of the living labs: thin, over selectors and services."""
