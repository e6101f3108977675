from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "appui" / "demo" / "data"
FRANCE_SERVICES = DATA / "liste-france-services-2022-12-01.csv"
HUB_DU_SUD = DATA / "lieux-hub-du-sud-2023-05-17-v0.json"
EXAMPLE_V1 = DATA / "lieux-exemple-valide-v1.csv"


@pytest.fixture
def import_file():
    """Import a file through the service, as the command line does; return the report."""
    from appui.places.services import places_import

    def run(path, source, **kwargs):
        data = path.read_bytes() if isinstance(path, Path) else path
        filename = path.name if isinstance(path, Path) else kwargs.pop("filename", "lieux.csv")
        return places_import(data=data, filename=filename, source=source, **kwargs)

    return run
