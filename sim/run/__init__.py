"""The run layer: the Python API, the runner of replicates, and what a run leaves behind.

Seeds, result objects, reports, provenance, statistics, progress and posterior draws. The commands and
the analyses call it; the model does not.
"""
