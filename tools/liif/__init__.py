"""LIIF super-resolution: the model, training, the official converter, evaluation on photos."""
