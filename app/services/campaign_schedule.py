"""The campaign meeting planner: matched (enterprise, provider) pairs into (time slot, table) places.

Plain functions over plain values (no database), so the constraints can be checked over many
random registrations. Participants are named by their registration ids, which are distinct
across enterprises and providers.
"""
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# How much more an enterprise's first, second and third choice of provider counts than a plain match.
PRIORITY_WEIGHTS = (1.5, 1.3, 1.15)


def priority_weight(priorities: Sequence[int], provider_org_id: int) -> float:
    """Return the weight of a provider in an enterprise's ranked wishes (1 when not ranked)."""
    ranked = list(priorities)[:len(PRIORITY_WEIGHTS)]
    return PRIORITY_WEIGHTS[ranked.index(provider_org_id)] if provider_org_id in ranked else 1.0


@dataclass(frozen=True)
class Candidate:
    """A need of a registered enterprise matched by the matcher with a registered provider's solution."""

    enterprise: int
    provider: int
    need_id: int
    solution_id: int
    score: float
    weight: float = 1.0
    reasons: tuple[str, ...] = ()

    @property
    def weighted(self) -> float:
        return self.score * self.weight


@dataclass(frozen=True)
class Booking:
    """A meeting's place: who meets, in which slot (from 0) at which table (from 1)."""

    enterprise: int
    provider: int
    slot: int
    table: int


class _Grid:
    """Who and which tables are taken in each slot, and how many meetings each participant has."""

    def __init__(self, slots: int, tables: int):
        self.slots, self.tables = slots, tables
        self.busy: dict[int, set[int]] = defaultdict(set)
        self.taken: dict[int, set[int]] = defaultdict(set)
        self.count: Counter = Counter()
        self.pairs: set[tuple[int, int]] = set()

    def book(self, booking: Booking) -> None:
        self.busy[booking.slot] |= {booking.enterprise, booking.provider}
        self.taken[booking.slot].add(booking.table)
        self.count.update((booking.enterprise, booking.provider))
        self.pairs.add((booking.enterprise, booking.provider))

    def free_place(self, enterprise: int, provider: int) -> tuple[int, int] | None:
        """The earliest slot where both sides are free and a table is, with its lowest free table."""
        for slot in range(self.slots):
            if enterprise in self.busy[slot] or provider in self.busy[slot]:
                continue
            table = next((t for t in range(1, self.tables + 1) if t not in self.taken[slot]), None)
            if table is not None:
                return slot, table
        return None


def plan_meetings(candidates: Iterable[Candidate], slots: int, tables: int, limits: dict[int, int],
                  booked: Iterable[Booking] = ()) -> list[tuple[Candidate, Booking]]:
    """Place candidates greedily, best weighted score first, around the meetings already booked.

    Each pair meets at most once (for its best-scoring need and solution); nobody and no table is
    in two meetings in one slot; nobody gets more meetings than `limits` allows them (0 when absent).
    """
    grid = _Grid(slots, tables)
    for booking in booked:
        grid.book(booking)
    plan = []
    order = sorted(candidates, key=lambda c: (-c.weighted, c.enterprise, c.provider, c.need_id, c.solution_id))
    for cand in order:
        if (cand.enterprise, cand.provider) in grid.pairs or any(
                grid.count[side] >= limits.get(side, 0) for side in (cand.enterprise, cand.provider)):
            continue
        place = grid.free_place(cand.enterprise, cand.provider)
        if place is not None:
            booking = Booking(cand.enterprise, cand.provider, *place)
            grid.book(booking)
            plan.append((cand, booking))
    return plan
