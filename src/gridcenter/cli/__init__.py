"""The `gridcenter` command: the console, and a scripting CLI over the same rules."""
