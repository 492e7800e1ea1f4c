"""Package list: ``psa_tui`` is installed from the ``tui/`` folder.

pyproject's ``packages.find`` cannot map a package to a folder of another
name, so the list is computed here; everything else lives in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

PACKAGES = find_namespace_packages(include=["psa_config*", "psa_kernels*"], exclude=["*.__pycache__"])
TUI_PACKAGES = ["psa_tui"] + [f"psa_tui.{name}" for name in find_namespace_packages("tui", exclude=["*__pycache__*"])]

setup(packages=PACKAGES + TUI_PACKAGES)
