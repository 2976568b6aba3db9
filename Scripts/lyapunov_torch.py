#!/usr/bin/env python3
"""PyTorch peer of `experiments bench --cases lyapunov`: the k largest Lyapunov exponents of a
driven RNN/LSTM/GRU (QR method) the way PyTorch users build them by hand, with
torch.autograd.functional.jacobian for each step Jacobian (vectorize=True, the faster mode; pass
--no-vectorize for PyTorch's default) and torch.linalg.qr. One untimed warm-up run per cell.

Same computation as the engine's case: input 32, hidden 128, T = 200 steps, N(0,1) inputs,
k = 16 tangent vectors re-orthonormalised every step, float64 (LSTM over the full state (h, c)).
Prints one 'key ms' line per cell (median of --repeats), the format `experiments bench --peer`
reads, plus lambda_max for a sanity check.

Usage: python3 Scripts/lyapunov_torch.py [--threads 2] [--repeats 3] [--steps 200] [--k 16] [--no-vectorize]
"""
import argparse
import statistics
import time

import torch


def spectrum(cell, x, hidden, k, lstm, vectorize=False):
    n = 2 * hidden if lstm else hidden
    s = torch.zeros(n, dtype=torch.float64)
    q = torch.linalg.qr(torch.randn(n, k, dtype=torch.float64, generator=torch.Generator().manual_seed(0)))[0]
    logs = torch.zeros(k, dtype=torch.float64)

    def step(state, xt):
        if lstm:
            h, c = state[:hidden], state[hidden:]
            h2, c2 = cell(xt.unsqueeze(0), (h.unsqueeze(0), c.unsqueeze(0)))
            return torch.cat([h2[0], c2[0]])
        return cell(xt.unsqueeze(0), state.unsqueeze(0))[0]

    for t in range(x.shape[0]):
        xt = x[t]
        if t >= 1:
            j = torch.autograd.functional.jacobian(lambda st: step(st, xt), s, vectorize=vectorize)
            q, r = torch.linalg.qr(j @ q)
            logs += torch.log(torch.abs(torch.diagonal(r)))
        with torch.no_grad():
            s = step(s, xt)
    return (logs / (x.shape[0] - 1)).sort(descending=True).values


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--k", type=int, default=16)
    p.add_argument("--no-vectorize", dest="vectorize", action="store_false",
                   help="jacobian(..., vectorize=False), PyTorch's default: one backward pass per Jacobian row")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    inputs, hidden = 32, 128
    x = torch.randn(a.steps, inputs, dtype=torch.float64)
    for name, ctor in [("rnn", torch.nn.RNNCell), ("lstm", torch.nn.LSTMCell), ("gru", torch.nn.GRUCell)]:
        cell = ctor(inputs, hidden).double()
        times = []
        spectrum(cell, x, hidden, a.k, name == "lstm", a.vectorize)  # warm-up (vmap set-up), not timed
        for _ in range(a.repeats):
            start = time.perf_counter()
            lam = spectrum(cell, x, hidden, a.k, name == "lstm", a.vectorize)
            times.append((time.perf_counter() - start) * 1000)
        print(f"lyapunov-{name}-float64 {statistics.median(times):.3f}")
        print(f"# {name}: lambda_max {lam[0].item():.4f}, torch {torch.__version__}, {a.threads} threads, "
              f"T={a.steps} k={a.k} H={hidden} in={inputs}, vectorize={a.vectorize}, times {[round(v, 1) for v in times]}")


if __name__ == "__main__":
    main()
