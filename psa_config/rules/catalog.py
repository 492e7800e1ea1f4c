"""Imports every rule module so that each registers its rules."""

from psa_config.rules import dispatch, kernels, nulls, ratios, reading, runtime, schema, structure  # noqa: F401
