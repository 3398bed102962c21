"""The ranked final ballot (issue 19, item 2): a final round's mode where each panel member
ranks the category's finalists and the Schulze method on margins decides (``core``)."""
