from collections.abc import Iterator

import httpx
import pytest


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    """An HTTP client with short timeouts, for servers the tests start on 127.0.0.1."""
    with httpx.Client(timeout=httpx.Timeout(1.0, connect=1.0)) as http:
        yield http
