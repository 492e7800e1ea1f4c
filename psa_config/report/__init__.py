"""Diagnostic reporters (text, json, github, sarif), chosen from a registry by name.

Usage::

    from psa_config.report import default_format, get_reporter, use_color

    name = args.format or default_format(os.environ, sys.stdout)
    sys.stdout.write(get_reporter(name).render(diagnostics, color=use_color(os.environ, sys.stdout)))
"""

from __future__ import annotations

from psa_config.report.base import Reporter
from psa_config.report.registry import available_formats, default_format, get_reporter, use_color

__all__ = ["Reporter", "available_formats", "default_format", "get_reporter", "use_color"]
