"""Cases in from Open311 GeoReport v2 servers, alerts out to webhooks (httpx)."""
