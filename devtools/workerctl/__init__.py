"""Development and operations tooling: the Docker-free local runtime and the ``workerctl`` CLI.

Not deployed: the Lambda functions never import this package.
"""

# How the README, docs, the runtime's banner and --help spell the command: it runs as printed from the
# project root (where template.yaml and samconfig.toml are) once `make setup` (or `make run`) made .venv.
COMMAND = ".venv/bin/workerctl"
