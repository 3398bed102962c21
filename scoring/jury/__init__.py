"""The jury side: assignments, conflicts of interest, scores, jurors; their pages and forms."""
