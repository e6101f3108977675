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
    """Run background tasks at once, in the test process, as soon as they are queued (Django's immediate backend)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
