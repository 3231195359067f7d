"""Running render tasks: executors (local processes, Dask) and what workers need."""
