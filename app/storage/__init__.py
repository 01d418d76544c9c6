"""Where files live: attachments and cached reports, in a local folder or an S3 bucket.

``current()`` is the store ``WCC_STORAGE_URL`` names (the data folder when unset). Every
store has the same few operations (``ObjectStore``); keys are paths such as
``objects/ab/ab12…`` and ``report-cache/….pdf``.
"""

from app.storage.base import ObjectMissing, ObjectStore, StorageUnavailable, StoredObject
from app.storage.location import StorageUrlError, current, open_store

__all__ = [
    "ObjectMissing",
    "ObjectStore",
    "StorageUnavailable",
    "StorageUrlError",
    "StoredObject",
    "current",
    "open_store",
]
