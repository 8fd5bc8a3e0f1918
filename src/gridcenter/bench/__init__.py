"""`gridcenter bench`: a synthetic city, and the figures that say how fast the console is."""
