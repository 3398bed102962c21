"""The ranking of a category in a round (a later issue makes it a pure core, a loader and a presenter)."""
