"""The one base of every error a person should see as a clear message rather than a traceback."""


class PlgError(Exception):
    """`str()` is the message: what is wrong, where, and how to fix it."""
