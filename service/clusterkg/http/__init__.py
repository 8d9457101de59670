"""HTTP: thin routers (parse the request, call the capability, format the answer; errors are raised,
never built here), the answer caches as one middleware module (``caches.py``) and what routes get from
the app (``deps.py``). ``app.py`` includes the routers and maps errors to responses in one place.
"""
