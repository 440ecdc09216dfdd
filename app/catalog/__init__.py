"""catalog feature: the blueprint; routes live in views.py."""
from flask import Blueprint

bp = Blueprint("catalog", __name__)
