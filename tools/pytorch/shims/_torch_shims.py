# Dev-only shim: Debian's sympy 1.11 lacks helpers torch 2.x imports at autograd time.
import sys as _sys
if "/usr/lib/python3/dist-packages" not in _sys.path: _sys.path.append("/usr/lib/python3/dist-packages")
import sympy.core.numbers as _n
if not hasattr(_n, "equal_valued"):
    def equal_valued(x, y):
        import sympy
        return sympy.sympify(x) == sympy.sympify(y)
    _n.equal_valued = equal_valued
