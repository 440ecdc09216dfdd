"""search feature: the blueprint; routes live in views.py."""
from flask import Blueprint

bp = Blueprint("search", __name__)
