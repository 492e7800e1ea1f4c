"""The app's widgets: the preset tree, the form, the pyramid editor and the diagnostics panel."""
