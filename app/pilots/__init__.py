"""pilots feature: open pilot scenarios and providers' proposals; routes live in views.py."""
from flask import Blueprint

bp = Blueprint("pilots", __name__)
