"""lr0's Python tools, one package run from the repository root (python3 -m tools.<folder>.<module>): fixtures from
Pillow, the demo models' training, the CLIP and LIIF converters, benchmark references. Debian's python3 only."""
