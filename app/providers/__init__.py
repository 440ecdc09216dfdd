"""providers feature: the blueprint; routes live in views.py."""
from flask import Blueprint

bp = Blueprint("providers", __name__)
