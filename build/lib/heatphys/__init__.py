"""heatphys: district-heating physics and planning in pure numpy/scipy.

Never imports Django. The public API is re-exported lazily so that `import heatphys` stays cheap
for callers that only need one part (the CLI, the planning app).
"""

from importlib import import_module

_EXPORTS = {
    "read_pandapipes_json": "heatphys.network",
    "read_network_json": "heatphys.network",
    "solve": "heatphys.network",
    "Network": "heatphys.network",
    "Result": "heatphys.network",
    "SolverOptions": "heatphys.network",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'heatphys' has no attribute {name!r}")
    return getattr(import_module(module_name), name)
