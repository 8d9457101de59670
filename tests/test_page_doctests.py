"""The docstring examples of the modules behind the pages run, as the tests of what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["clusterkg.completions", "clusterkg.case_examples", "clusterkg.error_pages", "clusterkg.linkeddata"]


@pytest.mark.parametrize("name", MODULES)
def test_the_examples_in_the_docstrings_hold(name: str) -> None:
    failures, tried = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0
