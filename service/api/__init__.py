"""The HTTP API: routers per resource, dependencies, schemas and the error mapping."""
