"""search views."""
from app.search import bp

__all__ = ["bp"]
