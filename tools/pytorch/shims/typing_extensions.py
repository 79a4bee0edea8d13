# Shim: Debian's typing_extensions 4.4 lacks names torch 2.x imports; re-export it and add them.
import importlib.util as _u, sys as _s
_spec = _u.spec_from_file_location("_debian_typing_extensions", "/usr/lib/python3/dist-packages/typing_extensions.py")
_m = _u.module_from_spec(_spec); _spec.loader.exec_module(_m)
globals().update({k: v for k, v in vars(_m).items() if not k.startswith("__")})
def deprecated(msg, *, category=DeprecationWarning, stacklevel=1):
    def wrap(f): return f
    return wrap
import typing as _t
class _Placeholder:
    """Stands for a typing construct only used in annotations: subscriptable and callable."""
    def __init__(self, name): self.__name__ = name
    def __getitem__(self, item): return _t.Any
    def __call__(self, *a, **k): return a[0] if a else None

for _n in ("TypeIs", "ParamSpec", "Self", "TypeVarTuple", "Unpack", "override", "TypeAliasType", "Never", "LiteralString", "NotRequired", "Required", "ReadOnly", "get_original_bases", "Buffer", "CapsuleType", "Doc", "NoDefault", "TypeForm", "Sentinel"):
    if _n not in globals():
        globals()[_n] = getattr(_t, _n, None) or _Placeholder(_n)
