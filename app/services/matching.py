"""Matching services (placeholder until the matcher lands)."""


def match_need_results(need, limit=10):
    return []


def match_text_results(text, industry=None, limit=10):
    return []


def cli_results(results):
    return results


def evaluate_labels(data, k=10):
    return {}


def format_evaluation(table, k):
    return ""


def matches_for(actor, need):
    """Return the stored, ranked matches of a need (computed when missing)."""
    return need.matches


def similar(kind, record, limit=5):
    """Return records similar to this one ("similar solutions", "similar needs")."""
    return []


def needs_for_solution(solution, limit=10):
    """Return open needs that fit a solution, best first, each with its reasons."""
    return []
