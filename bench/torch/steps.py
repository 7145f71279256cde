"""The PyTorch side of the benchmarks (bench/_torch.ts): the same steps and shapes as bench/*.ts, on CPU with 2 threads.

Written for this project (not the authors' code): a linear-experiment train step per method and J, a batched
FISTA solve, and conv VSC train steps, following docs in /work/shared/spec/reference-setup.md (1.2-1.8, 2.1-2.7,
3.1-3.2).

A server, so that the benchmarks can time PyTorch's steps in blocks alternating with their own (this machine's
speed drifts between minutes; a ratio should compare the same minutes). Protocol, one JSON object per line:
it first writes {"torch": version, "threads": n}; then for each request on stdin
  {"bench": "linear_step" | "fista_batch" | "conv_step", "case": <the Deno bench's case name>, "steps": n}
it runs n steps of that case (made on first use, then kept) and writes {"ms": [each step's wall time]};
for {"drop": [bench, case]} it forgets that case's model and writes {}. A request it cannot serve gets
{"error": message}. It exits when stdin closes.

Usage: python3 bench/torch/steps.py
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)


# ---------------------------------------------------------------------------------------------------------------
# Latent layer (spec 2.1-2.6): heads -> J samples [B*J, K] and KL [B]

METHODS = {
    "gaussian": ("gaussian", None), "laplacian": ("laplace", None), "spike_slab": ("spike_slab", None),
    "thr_gaussian": ("gaussian", "fixed"), "thr_gaussian_gamma": ("gaussian", "learned"),
    "thr_laplacian": ("laplace", "fixed"), "thr_laplacian_gamma": ("laplace", "learned"),
}


def heads_of(method):
    prior, thr = METHODS[method]
    names = ["mu", "logscale"] + (["spike"] if prior == "spike_slab" else []) + (["log_alpha", "log_beta"] if thr == "learned" else [])
    return names


def soft(n, lam):
    return torch.relu(n.abs() - lam.abs()) * torch.sign(n)


def latent(h, method, J, lam0, spread=0.1, warm=1.0, temp=0.5, gamma_shape=3.0):
    prior, thr = METHODS[method]
    mu, logscale = h["mu"], h["logscale"]
    B, K = mu.shape
    mu_j = mu.unsqueeze(1).expand(B, J, K)
    ls_j = logscale.unsqueeze(1).expand(B, J, K)
    if prior == "gaussian" or prior == "spike_slab":
        sigma = torch.exp(0.5 * ls_j)
        eps = torch.randn(B, J, K)
        kl = -0.5 * (1 + logscale - math.log(spread)) + 0.5 * (mu ** 2 + logscale.exp()) / spread
    else:
        b = torch.exp(ls_j)
        u = torch.rand(B, J, K) - 0.5
        eps = -torch.sign(u) * torch.log(torch.clamp(1 - 2 * u.abs(), min=1e-6))
        bb = logscale.exp()
        kl = mu.abs() / spread + math.log(spread) - logscale - 1 + bb / spread * torch.exp(-mu.abs() / bb)
    if prior == "spike_slab":
        log_g = torch.clamp(h["spike"], max=0)
        g = torch.clamp(log_g.exp(), 1e-6, 1 - 1e-6)
        slab = (warm * sigma + math.sqrt(1 - warm)) * eps + warm * mu_j
        eta = torch.rand(B, J, K)
        r = torch.sigmoid((torch.log(eta) - torch.log(1 - eta) + log_g.unsqueeze(1)) / temp)
        sel = r + (torch.round(r) - r).detach()
        z = sel * slab
        kl = g * kl + (1 - g) * torch.log((1 - g) / 0.9) + g * torch.log(g / 0.1)
        return z.reshape(B * J, K), kl.sum(1)
    noise_scale = sigma if prior == "gaussian" else warm * b
    n = noise_scale * eps
    s = mu_j + n
    if thr is None:
        return s.reshape(B * J, K), kl.sum(1)
    if thr == "fixed":
        lam = torch.full_like(s, lam0)
    else:
        alpha = torch.clamp(h["log_alpha"].exp(), 1e-6, 1e6)
        beta = torch.clamp(h["log_beta"].exp(), 1e-6, 1e6)
        q = torch.distributions.Gamma(alpha.unsqueeze(1).expand(B, J, K), beta.unsqueeze(1).expand(B, J, K))
        lam = q.rsample()
        p = torch.distributions.Gamma(torch.full_like(alpha, gamma_shape), torch.full_like(beta, gamma_shape / lam0))
        kl = kl + 0.1 * torch.distributions.kl_divergence(torch.distributions.Gamma(alpha, beta), p)
    # straight-through (spec 2.5): forward T(s), gradients 1 + [active] for mu, reparam path for the scale
    n_det = (noise_scale.detach() * eps)
    t = soft(n_det, lam)
    t = t + mu_j * (t != 0)
    z = s + t - s.detach()
    return z.reshape(B * J, K), kl.sum(1)


def objective(x_flat, xhat, kl, J, beta):
    B = x_flat.shape[0]
    recon = ((x_flat.repeat_interleave(J, 0) - xhat) ** 2).reshape(B, J, -1).mean(2)  # [B, J]
    per = recon + beta * kl.unsqueeze(1)
    w = F.one_hot(per.argmin(1), J).float().detach()
    return (w * per).sum(1).mean(), w


# ---------------------------------------------------------------------------------------------------------------
# Linear experiment (spec 1.2-1.5)

class Mlp(nn.Module):
    def __init__(self, heads, d=256, hidden=(512, 1024, 512, 256)):
        super().__init__()
        widths = [d, *hidden]
        self.body = nn.Sequential(*[m for i in range(len(hidden)) for m in (nn.Linear(widths[i], widths[i + 1]), nn.ReLU())])
        self.heads = nn.ModuleDict({n: nn.Linear(widths[-1], d) for n in heads})

    def forward(self, x):
        h = self.body(x)
        return {n: m(h) for n, m in self.heads.items()}


def linear_step(case):
    """The train step of a linear case, "<method> J=<J>" (bench/linear_step.ts), on a model of its own."""
    method, J = case.split(" J=")
    J = int(J)
    torch.manual_seed(1)
    enc = Mlp(heads_of(method))
    opt = torch.optim.SGD(enc.parameters(), lr=0.01, momentum=0.9, nesterov=True)
    A = torch.randn(256, 256)
    A /= A.norm(dim=0, keepdim=True)
    x = torch.randn(100, 256) * math.sqrt(0.1)
    lam0 = 0.52 if METHODS[method][0] == "gaussian" else 0.25

    def step():
        nonlocal A
        h = enc(x)
        z, kl = latent(h, method, J, lam0)
        xhat = z @ A.t()
        loss, w = objective(x, xhat, kl, J, 0.01)
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():  # dictionary step (spec 1.2) with the same samples
            zd = z.detach()
            r = (x.repeat_interleave(J, 0) - zd @ A.t()) * w.reshape(-1, 1)
            A = A + 0.5 * (r.t() @ zd / x.shape[0] - 2e-4 * A)
        loss.item()

    return step


# ---------------------------------------------------------------------------------------------------------------
# FISTA (spec 1.8), batch in rows: min_X 1/2||Y - X A^T||^2 + tau ||X||_1

def planted(seed=0, B=100, D=256, K=256):
    g = torch.Generator().manual_seed(seed)
    A = torch.randn(D, K, generator=g)
    A /= A.norm(dim=0, keepdim=True)
    z = torch.randn(B, K, generator=g) * 30 * (torch.rand(B, K, generator=g) < 0.1)
    return A, z @ A.t() + torch.randn(B, D, generator=g)


def fista(Y, A, tau, max_iter=500, tol=1e-3):
    L = torch.linalg.matrix_norm(A, 2) ** 2
    G, YA = A.t() @ A, Y @ A
    x = YA.clone()
    z, t, k = x.clone(), 1.0, 0
    while k < max_iter:
        x_old = x
        v = z - (z @ G - YA) / L
        x = torch.sign(v) * torch.relu(v.abs() - tau / L)
        t_new = (1 + math.sqrt(1 + 4 * t * t)) / 2
        z = x + (t - 1) / t_new * (x - x_old)
        t, k = t_new, k + 1
        if ((x - x_old).norm() / x_old.norm()).item() <= tol:
            break
    return x, k


FISTA_TOL = {"planted, tol 1e-3": 1e-3, "500 iterations": -1.0}


def fista_step(case):
    """One solve of a FISTA case (bench/fista_batch.ts): the planted problem, its stopping rule."""
    A, Y = planted()
    tol = FISTA_TOL[case]
    return lambda: fista(Y, A, 20.0, 500, tol)


# ---------------------------------------------------------------------------------------------------------------
# Conv VSC (spec 3.1-3.2)

def block(ci, co, k, s, p, transpose=False, last=False):
    conv = (nn.ConvTranspose2d if transpose else nn.Conv2d)(ci, co, k, s, p)
    return nn.Sequential(conv, nn.Sigmoid()) if last else nn.Sequential(conv, nn.BatchNorm2d(co), nn.ReLU())


ARCH = {
    "fashion_mnist": dict(image=(1, 28, 28), enc=[(1, 64, 4, 2, 1), (64, 64, 4, 2, 1), (64, 128, 4, 1, 0), (128, 128, 4, 2, 0)],
                          feat=128, grid=(128, 1, 1), dec=[(128, 128, 4, 2, 0), (128, 64, 4, 1, 0), (64, 64, 4, 2, 1), (64, 1, 4, 2, 1)]),
    "celeba": dict(image=(3, 64, 64), enc=[(3, 64, 4, 2, 1), (64, 64, 4, 2, 1), (64, 128, 4, 2, 1), (128, 256, 4, 2, 1), (256, 256, 4, 2, 0)],
                   feat=256, grid=(256, 2, 2), dec=[(256, 128, 4, 2, 1), (128, 128, 4, 2, 1), (128, 64, 4, 2, 1), (64, 64, 4, 2, 1), (64, 3, 4, 2, 1)]),
}


class ConvVsc(nn.Module):
    def __init__(self, arch, z=64, method="thr_laplacian"):
        super().__init__()
        a = ARCH[arch]
        self.grid = a["grid"]
        self.enc = nn.Sequential(*[block(*b) for b in a["enc"]])
        self.heads = nn.ModuleDict({n: nn.Linear(a["feat"], z) for n in heads_of(method)})
        self.fc = nn.Linear(z, math.prod(a["grid"]))
        n = len(a["dec"])
        self.dec = nn.Sequential(*[block(*b, transpose=True, last=(i == n - 1)) for i, b in enumerate(a["dec"])])

    def decode(self, z):
        return self.dec(torch.relu(self.fc(z).reshape(-1, *self.grid)))


CONV_BETA = {"fashion_mnist": 0.01, "celeba": 1e-3}


def conv_step(case):
    """The train step of a conv case, "<dataset> B=<batch> J=<samples>" (bench/conv_step.ts)."""
    arch, b, j = case.split(" ")
    B, J, beta = int(b[2:]), int(j[2:]), CONV_BETA[arch]
    torch.manual_seed(3)
    model = ConvVsc(arch)
    opt = torch.optim.Adam(model.parameters(), lr=3e-4, betas=(0.5, 0.999), weight_decay=1e-5)
    x = torch.rand(B, *ARCH[arch]["image"])

    def step():
        feat = model.enc(x).flatten(1)
        h = {n: m(feat) for n, m in model.heads.items()}
        z, kl = latent(h, "thr_laplacian", J, 0.23)
        xhat = model.decode(z).flatten(1)
        loss, _ = objective(x.flatten(1), xhat, kl, J, beta)
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss.item()

    return step


BUILDERS = {"linear_step": linear_step, "fista_batch": fista_step, "conv_step": conv_step}


def serve():
    steps = {}
    reply = lambda obj: print(json.dumps(obj), flush=True)
    reply({"torch": torch.__version__, "threads": torch.get_num_threads()})
    for line in sys.stdin:
        try:
            req = json.loads(line)
            if "drop" in req:
                steps.pop(tuple(req["drop"]), None)
                reply({})
                continue
            key = (req["bench"], req["case"])
            if key not in steps:
                steps[key] = BUILDERS[req["bench"]](req["case"])
            ms = []
            for _ in range(int(req["steps"])):
                t0 = time.perf_counter()
                steps[key]()
                ms.append((time.perf_counter() - t0) * 1000)
            reply({"ms": ms})
        except Exception as e:  # the client reports it and goes on without this case
            reply({"error": f"{type(e).__name__}: {e}"})


if __name__ == "__main__":
    serve()
