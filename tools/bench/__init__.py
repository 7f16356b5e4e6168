"""References and inputs for lr0's benchmarks: the Pillow loop, the bench photos, the free model."""
