"""Development and operations tooling: the Docker-free local runtime and the ``workerctl`` CLI.

Not deployed: the Lambda functions never import this package.
"""
