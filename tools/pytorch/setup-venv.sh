#!/usr/bin/env bash
# Makes a Python environment with PyTorch for the fixture generators and the benchmarks'
# PyTorch side. Run by hand; tests never need it. Usage: tools/pytorch/setup-venv.sh [VENV_DIR]
#
# Where a PyTorch 2.x CPU wheel sits in /opt/wheels (as on this project's machines) it is installed
# into a venv that borrows Debian's numpy/sympy/etc. (PyPI is not reachable here); torch 2.13 needs
# two names newer than Debian bookworm's typing_extensions 4.4 and sympy 1.11 have, so two tiny shims
# add them. Elsewhere Debian's own python3-torch (1.13) is used: it gives the same values for every
# fixture here (same CPU kernels and generator), only slower.
set -euo pipefail
venv=${1:-"$(cd "$(dirname "$0")/../.." && pwd)/.venv"}
debian_deps=(python3-venv python3-numpy python3-typing-extensions python3-sympy python3-filelock
  python3-networkx python3-jinja2 python3-fsspec)
wheel=$(ls /opt/wheels/torch-2*.whl 2>/dev/null | head -n 1 || true)
if [ -z "$wheel" ]; then
  apt-get install -y python3-torch "${debian_deps[@]}"
  /usr/bin/python3 -m venv --system-site-packages "$venv"
  echo "PyTorch: Debian python3-torch in $venv"; exit 0
fi
apt-get install -y "${debian_deps[@]}"
/usr/bin/python3 -m venv --system-site-packages "$venv"
"$venv/bin/pip" install --no-index --no-deps "$wheel"
site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
cp "$(dirname "$0")/shims/typing_extensions.py" "$(dirname "$0")/shims/_torch_shims.py" "$site/"
echo "import _torch_shims" > "$site/zz_torch_shims.pth"
"$venv/bin/python" -c 'import torch; print("PyTorch", torch.__version__, "in", __import__("sys").prefix)'
