"""The project's own demo models on Fashion-MNIST, and the studies run with them."""
