"""Benchmarks: the real handlers against the obvious Powertools alternative, measured in the same run.

Run with ``python -m bench`` (``make bench``); ``python -m bench --smoke`` runs every benchmark at
tiny sizes to check that it still works. Each benchmark module has ``run(smoke: bool) -> Report``;
absolute times are for information only, the ratios against same-run baselines are what counts.
"""
