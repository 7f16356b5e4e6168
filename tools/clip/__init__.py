"""CLIP ViTs: the architecture, checkpoint readers, the converter to lr0's TorchScript layout, LR-TK0."""
