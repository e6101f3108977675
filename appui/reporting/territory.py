"""The territory view: which structures a coordination account sees, as aggregates only."""

from dataclasses import dataclass

from appui.accounts.models import Structure, User
from appui.core.territories import departement_of, epci_of, territory_name

from .enums import TerritoryKind
from .models import TerritoryCoordination, TerritoryCoordinationQuerySet


def coordinations_of(user: User) -> TerritoryCoordinationQuerySet:
    """Return the user's active coordinations."""
    return TerritoryCoordination.objects.active().filter(user_id=user.pk)


def has_coordination(user: User) -> bool:
    return bool(user and user.is_authenticated and coordinations_of(user).exists())


@dataclass(frozen=True)
class Territory:
    kind: str
    code: str
    name: str
    structures: tuple[Structure, ...]

    @property
    def structure_ids(self) -> tuple[int, ...]:
        return tuple(s.pk for s in self.structures)


def territory_of(coordination: TerritoryCoordination) -> Territory:
    """Return the territory and the active structures in it that share their figures with its coordinators."""
    kind, code = coordination.territory_kind, coordination.territory_code
    if kind == TerritoryKind.DEPARTEMENT:
        candidates = Structure.objects.active().filter(statistics_sharing__with_departement=True)
        structures = [s for s in candidates if departement_of(s.commune_code) == code]
    else:
        candidates = Structure.objects.active().filter(statistics_sharing__with_epci=True)
        structures = [s for s in candidates if epci_of(s.commune_code) == code]
    return Territory(kind=kind, code=code, name=territory_name(kind, code), structures=tuple(structures))
