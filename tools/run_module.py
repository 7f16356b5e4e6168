"""Runs one of the tools as its users do, from the repository root (python3 -m tools.<folder>.<module>), for tests."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_module(module, *args):
    """The module's standard output; fails with its output when it exits other than 0."""
    done = subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, "%s exited %d:\n%s\n%s" % (module, done.returncode, done.stdout, done.stderr)
    return done.stdout
