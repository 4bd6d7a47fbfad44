import pytest

from wennuan.understanding import register_index
from wennuan.understanding.register import demo_register


@pytest.fixture(scope="session")
def demo_index(demo_register_csv):
    """The index of the demo register: rows of communities.csv plus generated communities."""
    return register_index(demo_register(demo_register_csv))
