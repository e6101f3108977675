"""The territories of statistics: a commune's département and EPCI code, and a territory's name.

A thin layer over the communes referential (``appui.core.communes``): statistics store codes, not objects.
"""

from .communes import departement_names, epcis_by_code, get_commune
from .communes import epci_of as commune_epci


def departement_of(commune_code: str) -> str:
    """Return the département code of a commune, or "" when the commune is unknown."""
    commune = get_commune(commune_code)
    return commune.departement if commune else ""


def epci_of(commune_code: str) -> str:
    """Return the EPCI code of a commune (an arrondissement counts in its commune's), or "" when none."""
    epci = commune_epci(commune_code)
    return epci.code if epci else ""


def territory_name(kind: str, code: str) -> str:
    """Return "Rhône (69)" or the EPCI's name, or "" when the code is unknown."""
    if kind == "departement":
        name = departement_names().get(code)
        return f"{name} ({code})" if name else ""
    epci = epcis_by_code().get(code)
    return epci.name if epci else ""
