"""Errors raised by the persistence layer. They carry no HTTP: `api/errors.py` maps them."""


class StorageError(Exception):
    """Base class of the persistence errors."""


class EmbeddedClusterError(StorageError):
    """The embedded PostgreSQL cluster could not be set up or reached; the message says why."""


class NotFound(StorageError):
    """A row looked up by id does not exist (or is not visible to the caller)."""

    def __init__(self, entity: str, ident: object) -> None:
        super().__init__(f"{entity} {ident} not found")
        self.entity = entity
        self.ident = ident


class Conflict(StorageError):
    """A write would break a uniqueness or consistency rule."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
