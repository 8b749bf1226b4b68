"""What every layer may use, importing nothing of the project: errors, JSON, the clock, settings."""
