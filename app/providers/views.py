"""providers views."""
from app.providers import bp

__all__ = ["bp"]
