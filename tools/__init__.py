"""Staff and operations commands, run as `python -m tools.<name>` by the Makefile: check, report, purge."""
