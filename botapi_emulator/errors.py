"""The error type the emulated Bot API methods raise."""

from __future__ import annotations

from typing import Any

__all__ = ["ApiError"]

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected error",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class ApiError(Exception):
    """A Bot API error reply: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(
        self, error_code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{error_code}: {description}")
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    @classmethod
    def injected(
        cls, error_code: int, description: str | None = None, retry_after: int | None = None
    ) -> ApiError:
        """Build an error for fault injection, with Telegram's usual wording."""
        if error_code == 429:
            seconds = 1 if retry_after is None else retry_after
            return cls(
                429,
                description or f"Too Many Requests: retry after {seconds}",
                {"retry_after": seconds},
            )
        text = description or _DEFAULT_DESCRIPTIONS.get(error_code, f"Error {error_code}")
        params = {"retry_after": retry_after} if retry_after is not None else None
        return cls(error_code, text, params)

    def to_json(self) -> dict[str, Any]:
        """The JSON body Telegram would send."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body
