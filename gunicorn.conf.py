"""gunicorn settings for ChainMatch (`gunicorn wsgi:app` reads this file from the working directory).

Matching is CPU-bound: a few workers with several threads each, and one math thread per worker.
BLAS and OpenMP (numpy, FAISS) otherwise start a thread per core in every worker and the workers
fight over the cores (measured here: 15.9 → 25.9 search requests/s on 2 cores with one thread).
The environment is set here, in the master process, before any worker imports numpy.
"""
import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
worker_class = "gthread"
timeout = 120  # a worker's first search loads the model and the index files
# Seconds an idle keep-alive connection stays open: longer than a person reads a result page, so the next
# click reuses it. gunicorn's default (2 s) closed connections under readers pausing 1–3 s, and a request
# sent as the server closed its connection failed (benchmarks/results-search-load.md, users row).
keepalive = int(os.environ.get("WEB_KEEPALIVE", "30"))
