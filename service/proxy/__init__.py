"""The OpenAI-compatible front door: forward chat completions to an upstream model, then verify,
collect or correct what comes back (``service.api.routes.chat`` is the route)."""
