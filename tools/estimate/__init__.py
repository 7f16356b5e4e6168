"""Label-free accuracy estimators compared on a run's predictions."""
