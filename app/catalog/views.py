"""catalog views."""
from app.catalog import bp

__all__ = ["bp"]
