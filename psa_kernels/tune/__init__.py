"""``psa-config tune``: the fastest (or sparsest) preset within an error budget, found with Optuna.

* :mod:`.space`: the presets searched (checker-valid new_mask_type pyramids);
* :mod:`.presets`: a candidate written by the edit engine, checked, loaded back;
* :mod:`.samples`: the inputs (generated or captured) and their dense baselines;
* :mod:`.measure`: a candidate on every sample with dry-run's runner;
* :mod:`.study`: the Optuna study (objective, budget constraint, storage, resume);
* :mod:`.pareto`: the feasible Pareto front and the chosen preset;
* :mod:`.render` / :mod:`.plots` / :mod:`.report`: table, terminal and PNG plots, JSON;
* :mod:`.write`: the chosen preset added to the file, with a comment saying what it measured;
* :mod:`.runner`: a whole tune (``TuneRequest`` -> ``TuneReport``), for the CLI and the TUI.
"""
