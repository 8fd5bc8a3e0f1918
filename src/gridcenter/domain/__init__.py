"""Domain rules of grid governance: plain Python, no Textual, no database.

The closed loop, escalation levels, deadlines on a working calendar and
permissions live here and are tested without a store or a screen.
"""
