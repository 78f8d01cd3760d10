"""One writer per output format. Each imports its heavy library itself, only when it runs."""
