"""Errors a client caused, whose messages are safe and useful to return as they are.

Every other exception is masked in responses (``schema.protection``): its message may
hold Cypher, paths or values a client must not see.
"""

from __future__ import annotations


class UserError(ValueError):
    """A request the API refuses: the message says which argument and why."""
