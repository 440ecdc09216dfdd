"""guidelines feature: industry application guidelines; routes live in views.py."""
from flask import Blueprint

bp = Blueprint("guidelines", __name__)
