"""cases views."""
from app.cases import bp

__all__ = ["bp"]
