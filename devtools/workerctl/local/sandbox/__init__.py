"""The function sandbox: warm child processes per concurrency slot, Timeout enforced, a Lambda context."""
