#!/usr/bin/env python3
"""Reference values for the Training module's tests, computed with PyTorch in float64.

Writes JSON (to stdout, or to the path given as the first argument) with:
  * parameters: two tensors, "weight" (2x3) and "bias" ([3]), and their initial values;
  * gradients: a fixed gradient for every step (g_k[i] = sin(1.3 k + 0.7 i) * 3 / k, i the
    flat index over both tensors, k = 1..STEPS), stored so the Swift tests need no libm;
  * optimizers: torch.optim SGD / Adam / AdamW / RMSprop runs (foreach=False), the learning
    rate used at each step and the parameters after each step;
  * clip_norm / clip_value: torch.nn.utils.clip_grad_norm_ / clip_grad_value_ results;
  * step_lr, warmup (the tutorial's get_lr through LambdaLR), plateau (ReduceLROnPlateau on
    scripted metric sequences): the learning rate after each scheduler step.

Regenerate with:  python3 Scripts/reference/optim_reference.py Tests/TrainingTests/Fixtures/optim_reference.json
"""
import json
import math
import sys

import torch

torch.set_default_dtype(torch.float64)
STEPS = 8
SHAPES = [("weight", (2, 3)), ("bias", (3,))]


def initial_values():
    out, i = [], 0
    for _, shape in SHAPES:
        n = math.prod(shape)
        out.append([math.cos(0.7 * (i + j) + 0.3) for j in range(n)])
        i += n
    return out


def gradients(k):
    out, i = [], 0
    for _, shape in SHAPES:
        n = math.prod(shape)
        out.append([math.sin(1.3 * k + 0.7 * (i + j)) * 3.0 / k for j in range(n)])
        i += n
    return out


def make_params():
    return [torch.tensor(v, dtype=torch.float64).reshape(shape).requires_grad_(True)
            for v, (_, shape) in zip(initial_values(), SHAPES)]


def flat(tensors):
    return [t.detach().reshape(-1).tolist() for t in tensors]


OPTIMIZERS = [
    {"name": "sgd", "lr": 0.1},
    {"name": "sgd", "lr": 0.1, "momentum": 0.9, "dampening": 0.1},
    {"name": "sgd", "lr": 0.1, "momentum": 0.9, "nesterov": True},
    {"name": "sgd", "lr": 0.1, "momentum": 0.5, "weight_decay": 0.01},
    {"name": "adam", "lr": 0.01},
    {"name": "adam", "lr": 0.01, "weight_decay": 0.1},
    {"name": "adam", "lr": 0.01, "betas": [0.8, 0.95], "amsgrad": True},
    {"name": "adamw", "lr": 0.01, "weight_decay": 0.1},
    {"name": "adamw", "lr": 0.05, "weight_decay": 0.01, "amsgrad": True, "lr_decay": 0.7},
    {"name": "rmsprop", "lr": 0.01},
    {"name": "rmsprop", "lr": 0.01, "alpha": 0.9, "centered": True, "momentum": 0.9, "weight_decay": 0.01},
    {"name": "rmsprop", "lr": 0.02, "eps": 1e-3, "momentum": 0.5},
]


def build(cfg, params):
    kw = {"lr": cfg["lr"], "foreach": False}
    name = cfg["name"]
    if name == "sgd":
        for key in ("momentum", "dampening", "nesterov", "weight_decay"):
            if key in cfg:
                kw[key] = cfg[key]
        return torch.optim.SGD(params, **kw)
    if name in ("adam", "adamw"):
        for key in ("weight_decay", "amsgrad", "eps"):
            if key in cfg:
                kw[key] = cfg[key]
        if "betas" in cfg:
            kw["betas"] = tuple(cfg["betas"])
        return (torch.optim.Adam if name == "adam" else torch.optim.AdamW)(params, **kw)
    if name == "rmsprop":
        for key in ("alpha", "eps", "centered", "momentum", "weight_decay"):
            if key in cfg:
                kw[key] = cfg[key]
        return torch.optim.RMSprop(params, **kw)
    raise ValueError(name)


def run_optimizer(cfg):
    params = make_params()
    opt = build(cfg, params)
    lrs, steps = [], []
    for k in range(1, STEPS + 1):
        lr = cfg["lr"] * cfg.get("lr_decay", 1.0) ** (k - 1)
        for group in opt.param_groups:
            group["lr"] = lr
        for p, g in zip(params, gradients(k)):
            p.grad = torch.tensor(g, dtype=torch.float64).reshape(p.shape)
        opt.step()
        lrs.append(lr)
        steps.append(flat(params))
    return {"config": cfg, "lrs": lrs, "steps": steps}


def clip_norm_case(scale, max_norm):
    params = make_params()
    for p, g in zip(params, gradients(1)):
        p.grad = torch.tensor(g, dtype=torch.float64).reshape(p.shape) * scale
    before = flat([p.grad for p in params])
    total = torch.nn.utils.clip_grad_norm_(params, max_norm=max_norm, foreach=False)
    return {"max_norm": max_norm, "grads": before, "total_norm": total.item(),
            "clipped": flat([p.grad for p in params])}


def clip_value_case(scale, clip_value):
    params = make_params()
    for p, g in zip(params, gradients(1)):
        p.grad = torch.tensor(g, dtype=torch.float64).reshape(p.shape) * scale
    before = flat([p.grad for p in params])
    torch.nn.utils.clip_grad_value_(params, clip_value=clip_value, foreach=False)
    return {"clip_value": clip_value, "grads": before, "clipped": flat([p.grad for p in params])}


def dummy_optimizer(lr):
    return torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)


def step_lr_case(base, step_size, gamma, n):
    opt = dummy_optimizer(base)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=step_size, gamma=gamma)
    lrs = [sched.get_last_lr()[0]]
    for _ in range(n):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
    return {"base": base, "step_size": step_size, "gamma": gamma, "lrs": lrs}


def get_lr(step, d_model, warmup_steps=4000):
    """The tutorial's warmup schedule (section 3.3.3), verbatim."""
    step = max(step, 1)
    return d_model ** (-0.5) * min(step ** (-0.5), step * warmup_steps ** (-1.5))


def warmup_case(base, d_model, warmup, n):
    opt = dummy_optimizer(base)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda=lambda step: get_lr(step, d_model, warmup))
    lrs = [sched.get_last_lr()[0]]
    for _ in range(n):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
    return {"base": base, "d_model": d_model, "warmup_steps": warmup, "lrs": lrs,
            "factors": [get_lr(s, d_model, warmup) for s in range(n + 1)]}


METRICS = [1.0, 0.9, 0.95, 0.899, 0.91, 0.92, 0.85, 0.86, 0.87, 0.88, 0.89, 0.9, 0.84, 0.845,
           0.85, 0.86, 0.87, 0.88, 0.89, 0.9, 0.91, 0.92, 0.93, 0.94, 0.95, 0.96]
ACCURACIES = [0.1, 0.2, 0.22, 0.26, 0.3, 0.31, 0.32, 0.4, 0.41, 0.39, 0.45, 0.46, 0.44, 0.43,
              0.5, 0.5, 0.5, 0.5]


def plateau_case(lr, metrics, **kw):
    opt = dummy_optimizer(lr)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
    lrs = []
    for m in metrics:
        opt.step()
        sched.step(m)
        lrs.append(opt.param_groups[0]["lr"])
    return {"lr": lr, "options": kw, "metrics": metrics, "lrs": lrs}


def main():
    out = {
        "torch_version": torch.__version__,
        "parameters": {"names": [n for n, _ in SHAPES], "shapes": [list(s) for _, s in SHAPES],
                       "initial": initial_values()},
        "gradients": [gradients(k) for k in range(1, STEPS + 1)],
        "optimizers": [run_optimizer(cfg) for cfg in OPTIMIZERS],
        "clip_norm": [clip_norm_case(1.0, 1.0), clip_norm_case(1.0, 100.0), clip_norm_case(1e-3, 0.5),
                      clip_norm_case(50.0, 5.0)],
        "clip_value": [clip_value_case(1.0, 0.5), clip_value_case(1.0, 10.0)],
        "step_lr": [step_lr_case(0.1, 3, 0.5, 12), step_lr_case(0.01, 1, 0.9, 10)],
        "warmup": [warmup_case(1.0, 8, 4, 12), warmup_case(0.5, 16, 3, 10), warmup_case(1.0, 128, 4000, 6)],
        "plateau": [
            plateau_case(0.1, METRICS, mode="min", factor=0.5, patience=2, threshold=0.01,
                         threshold_mode="rel", cooldown=2, min_lr=0.02),
            plateau_case(0.1, METRICS, mode="min", factor=0.1, patience=1, threshold=0.02,
                         threshold_mode="abs", cooldown=0, min_lr=0.0),
            plateau_case(1.0, ACCURACIES, mode="max", factor=0.3, patience=1, threshold=0.05,
                         threshold_mode="rel", cooldown=1, min_lr=0.05),
            plateau_case(1.0, ACCURACIES, mode="max", factor=0.5, patience=0, threshold=0.0,
                         threshold_mode="abs", cooldown=0, min_lr=0.0),
            plateau_case(1.5e-8, METRICS, mode="min", factor=0.5, patience=0, threshold=0.0,
                         threshold_mode="rel", cooldown=0, min_lr=0.0, eps=1e-8),
        ],
    }
    text = json.dumps(out, indent=1)
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w") as f:
            f.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
