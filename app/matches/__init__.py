"""matches feature: following a match up between the enterprise and the provider; routes in views.py."""
from flask import Blueprint

bp = Blueprint("matches", __name__)
