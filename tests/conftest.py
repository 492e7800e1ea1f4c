"""Hypothesis profiles for the whole suite, chosen by the HYPOTHESIS_PROFILE environment variable.

- ``ci`` (dev/test.sh, CI): budgets large enough that the planted bugs of issue #14 are caught on
  every run; examples that fail are printed with a reproduction blob. Derandomized, so CI runs the
  same examples every time: a rare example that fails shows up in ``soak``, not as a flaky CI run.
- ``soak`` (dev/soak.sh): ten times ``ci``'s budget on fresh random examples each run, to hunt for
  rare failures before CI could meet them (tests that pin ``max_examples`` keep their number).
- ``dev`` (the default): a quick pass while editing.

Tests that need more than the profile's budget ask for a multiple of it
(``settings(max_examples=5 * settings.default.max_examples)``), so both profiles scale them.
A test that pins ``max_examples`` itself keeps its own number in both profiles.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

PROFILE_VARIABLE = "HYPOTHESIS_PROFILE"
SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile("ci", max_examples=200, deadline=None, print_blob=True, suppress_health_check=SLOW_IS_FINE,
                          derandomize=True)
settings.register_profile("soak", max_examples=2000, deadline=None, print_blob=True, suppress_health_check=SLOW_IS_FINE)
settings.register_profile("dev", max_examples=20, deadline=None, suppress_health_check=SLOW_IS_FINE)
settings.load_profile(os.environ.get(PROFILE_VARIABLE, "dev"))
