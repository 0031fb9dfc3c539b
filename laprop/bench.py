"""`python -m laprop.bench`: steady-state time per ``optimizer.step()``, side by side.

Candidates (each on its own copy of the same deterministic parameters and gradients):
LaProp default (no flag: the fused kernel on CPU where it can be built), single-tensor,
foreach and fused; ``torch.optim.Adam`` default (no flag), foreach and fused; the LaProp of
``pytorch_optimizer`` and of ``timm`` where installed. Steps of all candidates are interleaved
(round-robin, rotating the order) so that noise from other processes hits them alike.

For every candidate: the first call (compilation, kernel build or load, state allocation),
the median and minimum over ``--steps`` timed steps after ``--warmup`` untimed ones, the ratio
to torch's fused Adam, and the achieved bandwidth

    bandwidth = bytes_per_element × numel / time,
    bytes_per_element = 3 b_p + 2 k b_s

(read p and g, write p: 3 b_p; read and write each of the k state tensors: 2 k b_s; LaProp
and Adam in float32: 3·4 + 2·2·4 = 28 bytes; amsgrad/centered would add 8 each), next to the
bandwidth of a plain ``dst.copy_(src)`` moving the same number of bytes (read + write) in the
same run. This is the minimum traffic of the algorithm; multi-pass paths move more. The
copy is a reference point, not a ceiling: on a CPU a byte-wise ``copy_`` also pays for the
write-allocate reads of its destination and may use fewer threads, so a fused optimizer step
can show more than 1.0× its bandwidth (column ``x copy``). The figure of merit is ``x adam``,
the time per step relative to torch's fused Adam measured in the same run.
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

import torch
from torch import Tensor

_DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16,
           "float64": torch.float64}
LR = 1e-3
MAX_STEPS = 1000
"""Upper limit of --steps and --warmup: seven candidates at up to ~0.3 s a step."""


class _Parser(argparse.ArgumentParser):
    _seen: list[str] = []

    def parse_known_args(self, args=None, namespace=None):  # noqa: ANN001, ANN201
        self._seen = [a for a in (sys.argv[1:] if args is None else args) if isinstance(a, str)]
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:  # one line, exit code 2, arguments cut to 60
        for a in sorted((a for a in self._seen if len(a) > 60), key=len, reverse=True):
            message = message.replace(repr(a), _quote(a)).replace(a, _quote(a)[1:-1])
        message = message.replace("\r", "\\r").replace("\n", "\\n")
        print(f"laprop.bench: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _quote(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _count(text: str) -> int:
    """An integer in [0, MAX_STEPS] in ASCII digits (int() would take '١٠' and '1_0')."""
    if not re.fullmatch(r"[+-]?[0-9]{1,12}", text) or not 0 <= int(text) <= MAX_STEPS:
        raise argparse.ArgumentTypeError(f"must be an integer in [0, {MAX_STEPS}], "
                                         f"got {_quote(text)}")
    return int(text)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    ap = _Parser(prog="python -m laprop.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    ap.add_argument("--dtype", choices=tuple(_DTYPES), default="float32")
    ap.add_argument("--workload", choices=("single", "model", "all"), default="all")
    ap.add_argument("--steps", type=_count, default=30,
                    help=f"timed steps (median reported), in [1, {MAX_STEPS}]")
    ap.add_argument("--warmup", type=_count, default=5,
                    help=f"untimed steps after the first, in [0, {MAX_STEPS}]")
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    ap.add_argument("--quick", action="store_true",
                    help="small workloads and few steps (a smoke test; timings meaningless)")
    ap.add_argument("--smoke", action="store_true",
                    help="the smallest workloads, one step, no warm-up: checks that every "
                         "candidate runs and the output has its keys, in seconds")
    args = ap.parse_args(argv)
    if not (1 <= args.steps <= MAX_STEPS and 0 <= args.warmup <= MAX_STEPS):
        ap.error(f"--steps must be in [1, {MAX_STEPS}] and --warmup in [0, {MAX_STEPS}]")
    if args.device == "cuda" and not torch.cuda.is_available():
        ap.error("--device cuda: no CUDA device available")
    if args.quick:
        args.steps, args.warmup = min(args.steps, 3), min(args.warmup, 1)
    if args.smoke:
        args.steps, args.warmup = 1, 0
    return args


# ------------------------------------------------------------------------------ workloads

def workload_shapes(name: str, quick: bool = False, smoke: bool = False
                    ) -> list[tuple[int, ...]]:
    """Deterministic parameter shapes. ``single``: one 10M-element tensor. ``model``: a
    transformer-like stack (26M parameters in 149 tensors): token and position embeddings,
    12 blocks of LayerNorm + attention (qkv, out) + LayerNorm + MLP Linear layers with biases,
    a final LayerNorm and an output projection. ``quick`` shrinks both (0.2M, ~0.7M),
    ``smoke`` further (4096 elements; ~12k in the same 149 tensors)."""
    if name == "single":
        return [(4096,)] if smoke else [(200_000,)] if quick else [(10_000_000,)]
    d, vocab, ctx = ((8, 64, 8) if smoke else (64, 1024, 64) if quick
                     else (384, 6144, 256))
    shapes: list[tuple[int, ...]] = [(vocab, d), (ctx, d)]
    for _ in range(12):
        shapes += [(d,), (d,), (3 * d, d), (3 * d,), (d, d), (d,),
                   (d,), (d,), (4 * d, d), (4 * d,), (d, 4 * d), (d,)]
    shapes += [(d,), (d,), (vocab, d)]
    return shapes


def _make_params(shapes: list[tuple[int, ...]], dtype: torch.dtype, device: str,
                 seed: int = 0) -> list[Tensor]:
    gen = torch.Generator().manual_seed(seed)
    params = []
    for sh in shapes:
        p = torch.randn(sh, generator=gen).to(device, dtype).requires_grad_()
        p.grad = torch.randn(sh, generator=gen).mul_(1e-2).to(device, dtype)
        params.append(p)
    return params


# ----------------------------------------------------------------------------- candidates

@dataclass
class Candidate:
    name: str
    make: Callable[[list[Tensor]], torch.optim.Optimizer] | None
    n_states: int = 2
    fp32_state: bool = True  # state in float32 for half params (LaProp); else param dtype
    note: str = ""
    opt: Any = None
    first_ms: float = float("nan")
    times: list[float] = field(default_factory=list)


def _candidates() -> list[Candidate]:
    from laprop import LaProp

    cands = [
        Candidate("laprop default", lambda ps: LaProp(ps, lr=LR)),
        Candidate("laprop single", lambda ps: LaProp(ps, lr=LR, foreach=False)),
        Candidate("laprop foreach", lambda ps: LaProp(ps, lr=LR, foreach=True)),
        Candidate("laprop fused", lambda ps: LaProp(ps, lr=LR, fused=True)),
        Candidate("adam default", lambda ps: torch.optim.Adam(ps, lr=LR), fp32_state=False),
        Candidate("adam foreach", lambda ps: torch.optim.Adam(ps, lr=LR, foreach=True),
                  fp32_state=False),
        Candidate("adam fused", lambda ps: torch.optim.Adam(ps, lr=LR, fused=True),
                  fp32_state=False),
    ]
    try:
        from pytorch_optimizer import LaProp as PoLaProp

        cands.append(Candidate("pytorch_optimizer LaProp",
                               lambda ps: PoLaProp(ps, lr=LR, eps=1e-15), fp32_state=False))
    except Exception as exc:  # optional
        cands.append(Candidate("pytorch_optimizer LaProp", None,
                               note=f"not installed ({type(exc).__name__})"))
    try:
        from timm.optim import LaProp as TimmLaProp

        cands.append(Candidate("timm LaProp", lambda ps: TimmLaProp(ps, lr=LR),
                               fp32_state=False))
    except Exception as exc:  # optional; timm pulls another torch build here
        cands.append(Candidate("timm LaProp", None,
                               note=f"not installed ({type(exc).__name__})"))
    return cands


def _bytes_per_element(dtype: torch.dtype, n_states: int, fp32_state: bool) -> int:
    bp = torch.tensor([], dtype=dtype).element_size()
    bs = 4 if (fp32_state and dtype in (torch.float16, torch.bfloat16)) else bp
    return 3 * bp + 2 * n_states * bs


def _sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def _timed(fn: Callable[[], Any], device: str) -> float:
    _sync(device)
    t0 = time.perf_counter()
    fn()
    _sync(device)
    return (time.perf_counter() - t0) * 1e3


def run_workload(name: str, args: argparse.Namespace) -> dict[str, Any]:
    """Time every candidate on one workload; return the results as a dict."""
    dtype, device = _DTYPES[args.dtype], args.device
    shapes = workload_shapes(name, args.quick, args.smoke)
    numel = sum(int(torch.Size(s).numel()) for s in shapes)
    cands = _candidates()
    live = [c for c in cands if c.make is not None]
    for c in live:
        params = _make_params(shapes, dtype, device)
        try:
            c.opt = c.make(params)
            c.first_ms = _timed(c.opt.step, device)
        except Exception as exc:  # e.g. a dtype a third-party optimizer rejects
            c.opt, c.note = None, f"failed: {type(exc).__name__}: {exc}"[:200]
    live = [c for c in live if c.opt is not None]
    ref_bytes = _bytes_per_element(dtype, 2, True) * numel
    src = torch.empty(ref_bytes // 2, dtype=torch.uint8, device=device).fill_(1)
    dst = torch.empty_like(src)
    copy = Candidate("copy", None)

    def copy_step() -> None:
        dst.copy_(src)

    jobs: list[tuple[Candidate, Callable[[], Any]]] = [(c, c.opt.step) for c in live]
    jobs.append((copy, copy_step))
    for i in range(args.warmup + args.steps):
        k = i % len(jobs)
        for c, fn in jobs[k:] + jobs[:k]:
            ms = _timed(fn, device)
            if i >= args.warmup:
                c.times.append(ms)
    copy_ms = statistics.median(copy.times)
    copy_gbps = ref_bytes / copy_ms / 1e6
    medians = {c.name: statistics.median(c.times) for c in live}
    adam_ms = medians.get("adam fused", float("nan"))
    peers = {f"laprop {k}": f"adam {k}" for k in ("default", "foreach", "fused")}
    rows = []
    for c in cands:
        row: dict[str, Any] = {"name": c.name, "available": c.opt is not None,
                               "note": c.note}
        if c.opt is not None:
            med, best = medians[c.name], min(c.times)
            bpe = _bytes_per_element(dtype, c.n_states, c.fp32_state)
            gbps = bpe * numel / med / 1e6
            peer = peers.get(c.name)
            row.update(first_call_ms=c.first_ms, ms_median=med, ms_min=best,
                       ratio_to_adam_fused=med / adam_ms,
                       ratio_to_adam_same_path=(med / medians[peer] if peer in medians
                                                else None),
                       bytes_per_element=bpe, gbps=gbps, fraction_of_copy=gbps / copy_gbps)
        rows.append(row)
    for c in cands:
        c.opt = None
    gc.collect()
    ratios = {k.split()[1]: medians[k] / medians[v] for k, v in peers.items()
              if k in medians and v in medians}
    return {"workload": name, "numel": numel, "tensors": len(shapes),
            "copy": {"bytes": ref_bytes, "ms_median": copy_ms, "ms_min": min(copy.times),
                     "gbps": copy_gbps},
            "laprop_over_adam": ratios, "results": rows}


def _table(res: dict[str, Any], args: argparse.Namespace) -> str:
    cp = res["copy"]
    lines = [f"workload {res['workload']}: {res['numel']:,} elements in {res['tensors']} "
             f"tensors, {args.dtype}, {args.device}; median of {args.steps} steps after "
             f"{args.warmup} warm-up",
             f"copy of {cp['bytes'] / 1e6:.0f} MB (read+write): {cp['ms_median']:.2f} ms, "
             f"{cp['gbps']:.1f} GB/s",
             f"{'candidate':<26}{'first ms':>10}{'ms/step':>10}{'min ms':>9}{'x adam':>8}"
             f"{'x peer':>8}{'B/elt':>7}{'GB/s':>7}{'x copy':>8}"]
    for r in res["results"]:
        if not r["available"]:
            lines.append(f"{r['name']:<26}  {r['note']}")
            continue
        peer = r["ratio_to_adam_same_path"]
        lines.append(f"{r['name']:<26}{r['first_call_ms']:>10.1f}{r['ms_median']:>10.2f}"
                     f"{r['ms_min']:>9.2f}{r['ratio_to_adam_fused']:>8.2f}"
                     f"{'' if peer is None else f'{peer:.2f}':>8}"
                     f"{r['bytes_per_element']:>7}{r['gbps']:>7.1f}"
                     f"{r['fraction_of_copy']:>8.2f}")
    ratios = res["laprop_over_adam"]
    lines.append("LaProp / Adam, same path: " + ", ".join(f"{k} {v:.2f}x"
                                                          for k, v in ratios.items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    names = ["single", "model"] if args.workload == "all" else [args.workload]
    out = {"device": args.device, "dtype": args.dtype, "torch": torch.__version__,
           "threads": torch.get_num_threads(), "steps": args.steps, "warmup": args.warmup,
           "quick": args.quick, "smoke": args.smoke, "workloads": []}
    import signal
    import sys
    import threading

    def _on_sigterm(signum: int, frame: object) -> None:  # noqa: ARG001
        raise KeyboardInterrupt

    old = None
    if threading.current_thread() is threading.main_thread():
        old = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        for name in names:
            res = run_workload(name, args)
            out["workloads"].append(res)
            if not args.json:
                print(_table(res, args), end="\n\n", flush=True)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: keep the workloads that finished
        if args.json:
            out["stopped"] = "interrupted"
            print(json.dumps(out, indent=2))
        else:
            print(f"stopped: interrupted after {len(out['workloads'])} of {len(names)} "
                  "workloads", flush=True)
        sys.stderr.write("laprop.bench: interrupted\n")
        return 130
    finally:
        if old is not None:
            signal.signal(signal.SIGTERM, old)
    if args.json:
        print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
