"""The one exception type services raise for problems the operator should read."""

from app.domain.errors import ServiceError

__all__ = ["ServiceError"]
