"""Sweep: does heatphys converge on hilly generated networks?

``generate_district_network(n, seed, consumer_mode=mode)`` with the default 20 m height range
and pandapipes' tabulated water (temperature-dependent density, so loop pipes can be driven by
buoyancy), solved with Colebrook friction. Prints one line per failing case and a summary,
plus the Newton step counts, and (``--check``) runs the independent balance check of
``tests/heatphys/network/test_random_vs_pandapipes.py`` on every converged case.

Run: .venv/bin/python benchmarks/network_hilly_sweep.py [--sizes 100 200 300 1000]
     [--seeds 20] [--modes QM QTR MIX] [--fluid tabulated|constant] [--check]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def _balance_check():
    path = ROOT / "tests/heatphys/network/test_random_vs_pandapipes.py"
    spec = importlib.util.spec_from_file_location("_balances", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.check_balances


def main(argv=None):
    from heatphys.network import SolverOptions, solve
    from heatphys.network.fluid import WATER_CONSTANT
    from heatphys.network.generate import generate_district_network
    from heatphys.network.pandapipes_bridge import pandapipes_water_fluid

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 200, 300, 1000])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--modes", nargs="+", default=["QM", "QTR", "MIX"])
    ap.add_argument("--fluid", choices=["tabulated", "constant"], default="tabulated")
    ap.add_argument("--height", type=float, default=20.0)
    ap.add_argument("--check", action="store_true", help="balance check on converged cases")
    args = ap.parse_args(argv)
    fluid = pandapipes_water_fluid() if args.fluid == "tabulated" else WATER_CONSTANT
    check = _balance_check() if args.check else None
    failed, total, steps, bad_balance = [], 0, [], []
    started = time.perf_counter()
    for n in args.sizes:
        for mode in args.modes:
            for seed in range(args.seeds):
                net = generate_district_network(
                    n, seed=seed, fluid=fluid, consumer_mode=mode, height_range_m=args.height
                )
                res = solve(net, SolverOptions(friction_model="colebrook"))
                total += 1
                steps.append(res.iterations)
                if not res.converged:
                    failed.append((n, mode, seed))
                    print(
                        f"FAIL n={n} {mode} seed={seed}: {res.status}, {res.iterations} steps, "
                        f"{res.message}",
                        flush=True,
                    )
                elif check is not None:
                    try:
                        check(net, res)
                    except AssertionError as exc:
                        bad_balance.append((n, mode, seed))
                        print(f"BALANCE n={n} {mode} seed={seed}: {exc}", flush=True)
    steps = np.array(steps)
    print(
        f"{len(failed)} of {total} cases did not converge; Newton steps median "
        f"{np.median(steps):.0f}, max {steps.max()}; {time.perf_counter() - started:.1f} s"
    )
    if check is not None:
        print(f"balance check failed on {len(bad_balance)} converged cases")
    return 1 if failed or bad_balance else 0


if __name__ == "__main__":
    sys.exit(main())
