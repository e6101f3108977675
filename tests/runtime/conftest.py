from tests.rights.conftest import engine  # noqa: F401 (the warmed rules engine, built once per session)
