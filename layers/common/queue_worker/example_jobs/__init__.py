"""Example job types: replace them with your own by pointing ``JOB_MODULES`` at your modules.

Importing this package registers ``checksum`` and ``fan_out`` in the default registry.
"""

from queue_worker.example_jobs import checksum, fan_out

__all__ = ["checksum", "fan_out"]
