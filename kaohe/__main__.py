"""``python -m kaohe``: the same command line as the ``kaohe`` console script."""

from kaohe.cli import main

if __name__ == "__main__":
    main(prog_name="kaohe")
