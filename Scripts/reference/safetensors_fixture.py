#!/usr/bin/env python3
"""Makes the PyTorch fixtures of the safetensors interchange (issue 17).

For an LSTM and a GRU (input 2, hidden 8, one layer) with an nn.Linear head (1 output, read on
the last step), in float32 and float64: trains the model for 40 Adam steps (lr 0.01) on the adding
problem (T = 20), then writes

  Tests/InterchangeTests/Fixtures/<cell>_<dtype>.safetensors            the trained weights (rnn.*, head.*)
  Tests/InterchangeTests/Fixtures/<cell>_<dtype>_reference.safetensors  x [T, B, 2], y [B, 1], and what
      PyTorch computed on the trained weights: out [T, B, 8] (top layer's states), loss (MSE of
      head(out[-1]) against y), grad.<parameter> for every parameter, grad.x (dL/dx)

and, for the shipped study (experiments/pytorch-trained.json), a GRU of hidden 16 on the adding
problem at T = 50, before and after 600 Adam steps (float32):

  experiments/weights/gru-adding-init.safetensors, experiments/weights/gru-adding-trained.safetensors

Run from the repository root: python3 Scripts/reference/safetensors_fixture.py (PyTorch 2.x and
the safetensors package). The outputs are deterministic for a given PyTorch version and CPU.
"""
import os
import torch
from safetensors.torch import save_file

torch.set_num_threads(1)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


class Net(torch.nn.Module):
    def __init__(self, cell, input_size, hidden):
        super().__init__()
        module = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
        self.rnn = module(input_size, hidden)
        self.head = torch.nn.Linear(hidden, 1)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[-1]), out


def adding(T, B, gen, dtype):
    """The adding problem: values U(0,1) and two markers; the target is the sum of the marked values."""
    values = torch.rand(T, B, generator=gen, dtype=dtype)
    markers = torch.zeros(T, B, dtype=dtype)
    for b in range(B):
        i = int(torch.randint(0, T // 2, (1,), generator=gen))
        j = int(torch.randint(T // 2, T, (1,), generator=gen))
        markers[i, b] = 1
        markers[j, b] = 1
    x = torch.stack([values, markers], dim=2)
    y = (values * markers).sum(0).unsqueeze(1)
    return x, y


def train(net, steps, T, B, gen, dtype):
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    for _ in range(steps):
        x, y = adding(T, B, gen, dtype)
        opt.zero_grad()
        pred, _ = net(x)
        loss = torch.nn.functional.mse_loss(pred, y)
        loss.backward()
        opt.step()
    return float(loss.detach())


def state(net):
    return {k: v.detach().clone().contiguous() for k, v in net.state_dict().items()}


def main():
    fixtures = os.path.join(ROOT, "Tests", "InterchangeTests", "Fixtures")
    os.makedirs(fixtures, exist_ok=True)
    for cell in ["lstm", "gru"]:
        for name, dtype in [("f32", torch.float32), ("f64", torch.float64)]:
            torch.manual_seed(17)
            gen = torch.Generator().manual_seed(17)
            net = Net(cell, 2, 8).to(dtype)
            last = train(net, 40, 20, 16, gen, dtype)
            save_file(state(net), os.path.join(fixtures, f"{cell}_{name}.safetensors"), metadata={"format": "pt"})
            x = torch.randn(12, 4, 2, generator=gen, dtype=dtype).requires_grad_(True)
            y = torch.randn(4, 1, generator=gen, dtype=dtype)
            net.zero_grad()
            pred, out = net(x)
            loss = torch.nn.functional.mse_loss(pred, y)
            loss.backward()
            ref = {"x": x.detach(), "y": y, "out": out.detach().contiguous(), "loss": loss.detach().reshape(1),
                   "grad.x": x.grad.detach()}
            for k, p in net.named_parameters():
                ref["grad." + k] = p.grad.detach().contiguous()
            save_file(ref, os.path.join(fixtures, f"{cell}_{name}_reference.safetensors"), metadata={"format": "pt"})
            print(f"{cell} {name}: training loss after 40 steps {last:.4f}, reference loss {float(loss):.6f}")

    weights = os.path.join(ROOT, "experiments", "weights")
    os.makedirs(weights, exist_ok=True)
    torch.manual_seed(1)
    gen = torch.Generator().manual_seed(1)
    net = Net("gru", 2, 16)
    save_file(state(net), os.path.join(weights, "gru-adding-init.safetensors"), metadata={"format": "pt", "steps": "0"})
    last = train(net, 600, 50, 32, gen, torch.float32)
    save_file(state(net), os.path.join(weights, "gru-adding-trained.safetensors"),
              metadata={"format": "pt", "steps": "600", "final_train_mse": f"{last:.6f}"})
    print(f"gru adding T=50: training MSE after 600 steps {last:.4f} (predict-1 baseline ~0.167)")


if __name__ == "__main__":
    main()
