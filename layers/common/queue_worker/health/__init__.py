"""Health checks in the draft-inadarei-api-health-check format (``application/health+json``)."""
