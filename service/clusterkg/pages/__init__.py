"""The HTML pages' one layout: templates rendered for the path they are served at (``templating.py``), and
errors as pages for browsers (``errors.py``). The templates are in ``templates/``, their assets in ``static/``."""
