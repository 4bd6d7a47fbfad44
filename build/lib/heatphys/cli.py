"""Command line of heatphys (design §8).

Each area registers its own sub-commands through a ``register(subparsers)`` function so that
the network solver and the demand models can grow independently.
"""

import argparse
import sys
from importlib import import_module

# Modules that contribute sub-commands: each has register(subparsers) and sets
# ``func`` (args -> exit code) on its parsers.
_COMMAND_MODULES = ("heatphys.network.cli", "heatphys.forecasting.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="heatphys", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module_name in _COMMAND_MODULES:
        import_module(module_name).register(subparsers)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
