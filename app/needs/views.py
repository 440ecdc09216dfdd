"""needs views."""
from app.needs import bp

__all__ = ["bp"]
