"""The one exception type services raise for problems the operator should read."""


class ServiceError(Exception):
    """A use case could not be done; the message says why in the shop's words."""
