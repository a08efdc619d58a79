"""``workerctl trace``: the journey of one job, from the worker's logs (AWS) or the run log (local)."""
