"""Distributed engines for scan and dedup (today Dask: qc.engines.dask), never a home-made cluster."""
