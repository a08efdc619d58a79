"""The only modules that import boto3. Each takes an optional client so tests can inject one (the DynamoDB
idempotency guard's client is Powertools' own, created on first use)."""
