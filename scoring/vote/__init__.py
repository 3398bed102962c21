"""The audience prize: a public vote with email confirmation (issue 20)."""
