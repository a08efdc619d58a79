"""template.yaml and samconfig.toml as the local runtime reads them: model, intrinsics, SQS event sources."""
