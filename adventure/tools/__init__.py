"""Writer and teacher tools run as ``python play.py TOOL``; each module has configure() and run()."""
