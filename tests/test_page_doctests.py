"""The docstring examples of the modules behind the pages run, as the tests of what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "clusterkg.sparql.completions",
    "clusterkg.entries.case_examples",
    "clusterkg.http.error_pages",
    "clusterkg.linkeddata.iris",
]


@pytest.mark.parametrize("name", MODULES)
def test_the_examples_in_the_docstrings_hold(name: str) -> None:
    failures, tried = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0
