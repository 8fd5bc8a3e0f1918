"""Street offices over SSH: the forced-command entry point and the sshd settings."""
