#!/usr/bin/env bash
# Runs the PyTorch peer (throughput and binary-sum parts of the baseline script) and
# `experiments bench` in one go, and prints a same-run ratio table.
#
# Usage: Scripts/bench-vs-pytorch.sh [--install] [--quick] [--grid] [--lyapunov] [--threads N]
#                                    [--torch-script PATH] [--scratch-path DIR]
#   --install        pip install torch first (CPU wheel)
#   --quick          fewer repeats on the engine side
#   --grid           also time the tutorial grid as a whole `experiments run` process
#                    (compared with the recorded PyTorch whole-process figure)
#   --lyapunov       also time the Lyapunov spectrum cases against Scripts/lyapunov_torch.py
#                    (autograd Jacobians + QR, same run)
#   --threads N      threads per product in the engine's big cases (default 1; PyTorch uses 2):
#                    the engine's big cases are timed at 1 thread and, with --threads 2, also at 2
#   --torch-script   the peer script (default ../shared/baselines/torch_gradient_flow.py next to
#                    the checkout, or $TORCH_SCRIPT); it is run from a temporary copy so that its
#                    out/ folder is written there, not beside the original
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
torch_script=${TORCH_SCRIPT:-$root/../shared/baselines/torch_gradient_flow.py}
install=0
quick=""
cases="big,tiny,binary"
threads=1
lyapunov=0
scratch=".build"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --install) install=1 ;;
        --quick) quick="--quick" ;;
        --grid) cases="$cases,grid" ;;
        --lyapunov) cases="$cases,lyapunov"; lyapunov=1 ;;
        --threads) threads="$2"; shift ;;
        --torch-script) torch_script="$2"; shift ;;
        --scratch-path) scratch="$2"; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

if [[ ! -f "$torch_script" ]]; then
    cat >&2 <<MSG
The PyTorch peer script was not found at: $torch_script
It is torch_gradient_flow.py from the project's shared baselines folder (shared/baselines/,
see its README.md). Copy it anywhere and pass --torch-script PATH (or set TORCH_SCRIPT).
MSG
    exit 2
fi

if (( install )); then
    python3 -m pip install torch || python3 -m pip install 'torch==2.13.0+cpu'
fi
if ! python3 -c 'import torch' 2>/dev/null; then
    echo "torch is not installed for $(command -v python3): rerun with --install" >&2
    exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$torch_script" "$work/torch_gradient_flow.py"

echo "== PyTorch $(python3 -c 'import torch; print(torch.__version__)'): throughput, binary-sum"
python3 "$work/torch_gradient_flow.py" --part throughput --threads 2 | tee "$work/throughput.log"
python3 "$work/torch_gradient_flow.py" --part binary --threads 2 | tee "$work/binary.log"

# key ms lines for `experiments bench --peer`.
awk '
    /^\[throughput\] (big|tiny) / && /mkldnn disabled/ {
        for (i = 1; i <= NF; i++) if ($i == "median") print "big-lstm-float32-mkldnn-off", $(i + 1)
        next
    }
    /^\[throughput\] (big|tiny) / && / in=/ {
        size = $2; cell = tolower($3); dtype = $4
        for (i = 1; i <= NF; i++) if ($i == "median") ms = $(i + 1)
        if (size == "tiny" && dtype != "float32") next
        print size "-" cell "-" dtype, ms
    }
    /^\[binary\] median epoch time/ {
        for (i = 1; i <= NF; i++) if ($i == "ms") { print "binary-epoch", $(i - 1); break }
    }
' "$work/throughput.log" "$work/binary.log" > "$work/peer.txt"
if (( lyapunov )); then
    echo "== PyTorch: Lyapunov spectra (autograd Jacobians + QR)"
    python3 "$root/Scripts/lyapunov_torch.py" --threads 2 | tee "$work/lyapunov.log"
    grep '^lyapunov-' "$work/lyapunov.log" >> "$work/peer.txt"
fi
echo "== same-run PyTorch figures (ms)"
cat "$work/peer.txt"

cd "$root"
echo "== building experiments (release)"
swift build -c release --static-swift-stdlib --product experiments --scratch-path "$scratch" >/dev/null
bin="$(swift build -c release --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)/experiments"
echo "== experiments bench"
"$bin" bench $quick --threads 1 --cases "$cases" --peer "$work/peer.txt"
if [[ "$threads" != 1 ]]; then
    echo "== experiments bench, big cases with $threads threads per product"
    "$bin" bench $quick --threads "$threads" --cases big --peer "$work/peer.txt"
fi
