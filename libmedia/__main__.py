"""``python -m libmedia``: the same as the ``libmedia`` command."""

from .cli import main

if __name__ == "__main__":
    main(prog_name="libmedia")
