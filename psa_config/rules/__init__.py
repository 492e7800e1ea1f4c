"""Cross-field rules, one module per topic, and the registry that lists them all."""

from psa_config.rules.registry import Rule, all_rules, get_rule

__all__ = ["Rule", "all_rules", "get_rule"]
