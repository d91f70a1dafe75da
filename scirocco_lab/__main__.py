"""``python -m scirocco_lab``: the same as the ``scirocco-lab`` command."""

from scirocco_lab.cli import main

__all__: list[str] = []

if __name__ == "__main__":
    raise SystemExit(main())
