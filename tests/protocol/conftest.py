import pytest

from capacitor_edge.protocol import OcppSession
from tests.protocol.helpers import new_session


@pytest.fixture
def session() -> OcppSession:
    return new_session()
