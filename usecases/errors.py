"""Errors the use cases raise; each carries a `Msg` the channel translates for the user."""

from __future__ import annotations

from chibo.rules.messages import Msg


class UseCaseError(Exception):
    """A refusal worded for the user (bad input, a rule, a missing thing)."""

    def __init__(self, msg: Msg) -> None:
        super().__init__(msg.key)
        self.msg = msg


class InvalidInput(UseCaseError):
    pass


class NotFound(UseCaseError):
    pass


class AccessDenied(UseCaseError):
    pass
