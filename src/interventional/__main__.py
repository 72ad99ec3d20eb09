"""Run the command line: ``python -m interventional``."""

from interventional.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
