"""``heatphys solve NET.json [--format pandapipes] --out RESULT.json`` (design §8)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

__all__ = ["register"]


def register(subparsers) -> None:
    """Add the ``solve`` sub-command to an argparse ``subparsers`` object."""
    parser = subparsers.add_parser(
        "solve",
        help="solve a network's steady-state hydraulics and temperatures",
        description="Solve a network; results per junction (p_bar, t_c) and per pipe "
        "(v_mean_m_s, mdot_kg_s, t_out_c) keyed by the input's element ids.",
    )
    parser.add_argument("network", metavar="NET.json", type=Path)
    parser.add_argument(
        "--format",
        choices=("heatphys", "pandapipes"),
        default="heatphys",
        help="input format (default: heatphys, see docs/network-format.md)",
    )
    parser.add_argument("--out", required=True, type=Path, metavar="RESULT.json")
    parser.add_argument(
        "--friction-model", default="colebrook", choices=("colebrook", "nikuradse", "swamee-jain")
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    from .io import read_network_json, read_pandapipes_json, result_to_dict
    from .model import NetworkError
    from .solver import SolverOptions, solve

    try:
        reader = read_pandapipes_json if args.format == "pandapipes" else read_network_json
        network = reader(args.network)
        result = solve(network, SolverOptions(friction_model=args.friction_model))
    except (NetworkError, OSError, json.JSONDecodeError) as exc:
        print(f"heatphys solve: {exc}", file=sys.stderr)
        return 2
    # allow_nan=False: strict JSON (result_to_dict turns undefined numbers into null)
    args.out.write_text(json.dumps(result_to_dict(result), indent=1, allow_nan=False))
    if not result.converged:
        print(f"heatphys solve: {result.status}: {result.message}", file=sys.stderr)
        return 1
    return 0
