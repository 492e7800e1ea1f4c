"""Modal screens: confirmations, name prompts, the diff preview, help and the dry-run report."""
