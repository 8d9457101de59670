"""Thin routers: parse the request, call the store, format the answer. Errors are raised, never built here."""
