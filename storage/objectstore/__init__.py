"""Object storage for evidence files behind one ``ObjectStore`` protocol (R-NW-1, R-NW-2).

``S3ObjectStore`` (the ``minio`` SDK; MinIO in production) and ``FilesystemObjectStore`` (the
embedded default under ``$AFTERSALES_HOME/objects``). The composition root picks one: S3 when
``AFTERSALES_S3_ENDPOINT`` is set, otherwise the filesystem.
"""

from storage.objectstore.base import (
    DELETED_PREFIX,
    DeletionRecord,
    ObjectInfo,
    ObjectStore,
    UploadTarget,
    check_key,
    derived_key,
    new_evidence_key,
)
from storage.objectstore.errors import (
    InvalidObjectKey,
    ObjectNotFound,
    ObjectStoreConfigError,
    ObjectStoreError,
    ObjectStoreUnavailable,
    ObjectTooLarge,
    UploadAlreadyUsed,
    UploadMismatch,
    UploadTokenExpired,
    UploadTokenInvalid,
)
from storage.objectstore.filesystem import FilesystemObjectStore
from storage.objectstore.s3 import S3ObjectStore, parse_endpoint
from storage.objectstore.tokens import (
    UploadGrant,
    sign_download_token,
    sign_upload_token,
    verify_download_token,
    verify_upload_token,
)

__all__ = [
    "DELETED_PREFIX",
    "DeletionRecord",
    "FilesystemObjectStore",
    "InvalidObjectKey",
    "ObjectInfo",
    "ObjectNotFound",
    "ObjectStore",
    "ObjectStoreConfigError",
    "ObjectStoreError",
    "ObjectStoreUnavailable",
    "ObjectTooLarge",
    "S3ObjectStore",
    "UploadAlreadyUsed",
    "UploadGrant",
    "UploadMismatch",
    "UploadTarget",
    "UploadTokenExpired",
    "UploadTokenInvalid",
    "check_key",
    "derived_key",
    "new_evidence_key",
    "parse_endpoint",
    "sign_download_token",
    "sign_upload_token",
    "verify_download_token",
    "verify_upload_token",
]
