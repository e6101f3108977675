import pytest

from appui.rights.engine.inprocess import InProcessEngine, tax_benefit_system

# The legislation of the published reference amounts (openfisca-notes.md).
PERIOD = "2026-11"


@pytest.fixture(scope="session")
def engine():
    """Return the in-process engine, built and warmed once for the whole session (about 10 s)."""
    engine = InProcessEngine()
    engine.warm_up()
    return engine


@pytest.fixture(scope="session")
def tbs(engine):
    return tax_benefit_system()


@pytest.fixture
def inline_jobs(settings):
    """Run caseload screenings in the test process, once the launching transaction commits."""
    settings.APPUI_RIGHTS_JOB_LAUNCHER = "inline"
    settings.APPUI_RIGHTS_WORKERS = 1
