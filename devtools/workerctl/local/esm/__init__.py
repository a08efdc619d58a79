"""The Lambda SQS event source mapping emulator: poller, FilterCriteria, record shape, batch outcome."""
