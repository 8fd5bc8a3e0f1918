"""The Textual console: the dashboard, its panes, modals and themes."""
