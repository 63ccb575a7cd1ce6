"""The one exception type for problems the operator should read, whichever layer finds them."""


class ServiceError(Exception):
    """A use case could not be done; the message says why in the shop's words.

    Services raise it; `app.db` raises its `StorageFault` subclass when the disk or the file
    fails under a write, which is why it lives here, below both.
    """
