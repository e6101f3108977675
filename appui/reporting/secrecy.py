"""Statistical secrecy of the territory view: no cross-structure count under 5 is shown as such.

Primary rule: every count under 5 (0 included) is shown as "< 5". Secondary rule: in a breakdown whose total
is shown, a single hidden count between 1 and 4 could be found again by subtraction; the smallest other count
is then hidden too ("masqué"). Proportions of hidden counts are never shown.
"""

THRESHOLD = 5


def is_small(count: int) -> bool:
    return count < THRESHOLD


def hidden_counts(counts: list[int]) -> list[bool]:
    """Return, for each count of a breakdown, whether the territory view hides it."""
    hidden = [is_small(c) for c in counts]
    if sum(hidden) == 1 and 0 < counts[hidden.index(True)] < THRESHOLD:
        visible = [(c, i) for i, c in enumerate(counts) if not hidden[i]]
        if visible:
            hidden[min(visible)[1]] = True
    return hidden
