#!/usr/bin/env python3
"""Issue 17: a file the engine saves, loaded into the matching PyTorch module with
load_state_dict(strict=True), reproduces the engine's outputs.

Runs a `states` spec (train, then record inputs, top-layer states and head outputs over time for
the first test sequence) with save_weights for an LSTM and a GRU (2 layers, hidden 8) in float32
and float64, loads each weights/<key>.safetensors into Net (attributes rnn, head), feeds it the
recorded inputs and compares its states and head outputs with the engine's series.csv.
Usage: python3 Scripts/reference/torch_load_check.py [EXPERIMENTS_BINARY]   (needs torch, safetensors)
"""
import csv, json, os, subprocess, sys, tempfile
import torch
from safetensors.torch import load_file

BIN = sys.argv[1] if len(sys.argv) > 1 else ".build/release/experiments"
work = tempfile.mkdtemp()
spec = {"version": 1, "name": "torch-load", "study": "states",
        "model": {"hidden": 8, "layers": 2},
        "training": {"epochs": 3, "batch_size": 16, "save_weights": True},
        "task": {"task": "adding", "seq_len": 15, "samples": 128, "validation_samples": 16, "test_samples": 16},
        "grid": {"cell": ["lstm", "gru"], "dtype": ["float32", "float64"]}, "charts": []}
open(os.path.join(work, "spec.json"), "w").write(json.dumps(spec))
subprocess.run([BIN, "run", os.path.join(work, "spec.json"), "--out", os.path.join(work, "out"), "--no-plot"], check=True)
series = {}
for row in csv.DictReader(open(os.path.join(work, "out", "series.csv"))):
    series.setdefault(row["key"], {}).setdefault(row["series"], {})[int(row["step"])] = float(row["value"])

class Net(torch.nn.Module):
    def __init__(self, cell, inp, hidden, layers):
        super().__init__()
        self.rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](inp, hidden, layers)
        self.head = torch.nn.Linear(hidden, 1)

worst = {}
for row in csv.DictReader(open(os.path.join(work, "out", "runs.csv"))):
    key = row["key"]
    path = os.path.join(work, "out", "weights", key + ".safetensors")
    sd = load_file(path)
    dtype = {"float32": torch.float32, "float64": torch.float64}[row["dtype"]]
    net = Net(row["cell"], 2, 8, 2).to(dtype)
    net.load_state_dict(sd, strict=True)
    s = series[key]
    T = max(s["input.f0"])
    x = torch.tensor([[[s[f"input.f{f}"][t] for f in range(2)]] for t in range(1, T + 1)], dtype=dtype)
    with torch.no_grad():
        out, _ = net.rnn(x)
        o = net.head(out)
    states = torch.tensor([[s[f"state.h{j}"][t] for j in range(8)] for t in range(1, T + 1)], dtype=torch.float64)
    outputs = torch.tensor([[s["output.o0"][t]] for t in range(1, T + 1)], dtype=torch.float64)
    e_states = (out[:, 0, :].double() - states).abs().max().item()
    e_out = (o[:, 0, :].double() - outputs).abs().max().item()
    rel = max(e_states / states.abs().max().item(), e_out / outputs.abs().max().item())
    worst[(row["cell"], row["dtype"])] = (max(e_states, e_out), rel)
    print(f"{row['cell']} {row['dtype']} {key}: load_state_dict(strict=True) ok; max abs error states {e_states:.3g}, head outputs {e_out:.3g}; max rel {rel:.3g}")
for (cell, dt), (a, r) in worst.items():
    limit = 1e-12 if dt == "float64" else 1e-5
    assert r < limit, (cell, dt, a, r)
print("torch_load_check: every saved file reproduces the engine's states and outputs in PyTorch")
