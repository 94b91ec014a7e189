"""Tests of the REST service against real uvicorn servers on loopback ports."""
