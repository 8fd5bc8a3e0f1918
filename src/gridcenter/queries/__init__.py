"""What each pane, listing and report reads: plain rows, scoped to a territory."""
