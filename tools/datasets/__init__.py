"""Dataset fixtures and assets: CounterAnimal-style backgrounds, MAT-file fixtures."""
