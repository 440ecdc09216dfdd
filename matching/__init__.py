"""The ChainMatch matcher as a plain library: no Flask, no app imports."""
from matching.documents import Doc, Query, Reason, Result, ScenarioInfo
from matching.embedder import Embedder
from matching.engine import METHODS, Matcher
from matching.vector_index import ModelMismatch, VectorIndex
from matching.weights import DEFAULT, Weights

__all__ = ["DEFAULT", "METHODS", "Doc", "Embedder", "Matcher", "ModelMismatch", "Query", "Reason", "Result",
           "ScenarioInfo", "VectorIndex", "Weights"]
