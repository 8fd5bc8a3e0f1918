class Refused(Exception):
    """An action the domain rules do not allow; the message is for a supervisor."""
