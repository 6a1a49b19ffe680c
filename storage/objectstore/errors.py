"""Errors raised by the object store backends (R-NW-1: the evidence archive).

They carry no HTTP: ``api/errors.py`` maps each class to a status code. Suggested mapping:
``InvalidObjectKey`` 400, ``ObjectNotFound`` 404, ``ObjectTooLarge`` 413,
``UploadTokenInvalid`` / ``UploadTokenExpired`` 403, ``UploadAlreadyUsed`` 409,
``UploadMismatch`` 400, ``ObjectStoreUnavailable`` 503.
"""

from __future__ import annotations


class ObjectStoreError(Exception):
    """Base class of every error this package raises on purpose."""


class ObjectStoreConfigError(ObjectStoreError):
    """The store was configured with values it cannot work with (bad endpoint URL, …)."""


class ObjectStoreUnavailable(ObjectStoreError):
    """The storage server failed or refused an operation (an infrastructure failure)."""


class InvalidObjectKey(ObjectStoreError):
    """A key is not one this service generates (path traversal, odd characters, …)."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"invalid object key {key!r}")


class ObjectNotFound(ObjectStoreError):
    """No object is stored under the key."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"no object stored under {key!r}")


class ObjectTooLarge(ObjectStoreError):
    """The object is larger than the caller allowed to read or upload."""

    def __init__(self, key: str, limit: int) -> None:
        self.key = key
        self.limit = limit
        super().__init__(f"object {key!r} is larger than {limit} bytes")


class UploadTokenInvalid(ObjectStoreError):
    """A one-time upload/download token is malformed, forged or for another purpose."""


class UploadTokenExpired(UploadTokenInvalid):
    """A token was genuine but its expiry has passed."""


class UploadAlreadyUsed(ObjectStoreError):
    """A one-time upload URL was used again: an object already exists under its key."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"the upload URL for {key!r} was already used")


class UploadMismatch(ObjectStoreError):
    """The uploaded body does not match what the token granted (size or content type)."""

    def __init__(self, field: str, expected: object, actual: object) -> None:
        self.field = field
        self.expected = expected
        self.actual = actual
        super().__init__(f"upload {field} is {actual!r}, the upload URL allows {expected!r}")
