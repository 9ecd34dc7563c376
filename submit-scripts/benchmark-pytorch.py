#!/usr/bin/python3
"""The benchmark job's reference: the same CIFAR network trained (or run) by CPU PyTorch here.

Same networks as train-job.jar's names, as pytorch_reference.py transcribes their reference code:
resnet<6n+2> (He et al. 2015, option A shortcuts: strided subsample, zero-padded channels),
resnet<6n+2>-B (1x1 projection + batch norm where the shape changes), both pytorch_resnet_cifar10's,
and wrn-<6n+4>-<k> (xternalz/WideResNet-pytorch: pre-activation wide blocks, 1x1 projections of
the pre-activated input where the shape changes). Same batch, SGD with momentum
0.9 and weight decay 1e-4, seeded synthetic data, warm-up then timed steps (or with --inference,
forward passes in eval mode under torch.no_grad()). Prints one JSON line with the fields of
`train-job.jar benchmark --json`.

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 submit-scripts/benchmark-pytorch.py --model resnet20-B --batch 128
Needs Debian's python3-torch (apt-get install python3-torch).
"""
import argparse
import json
import os
import re
import time

import torch
import torch.nn.functional as F

import pytorch_reference


def build(model, channels=3, classes=10):
    """The network a train-job.jar model name stands for: the reference module of pytorch_reference.py."""
    if not re.fullmatch(r"resnet\d+(-B)?|wrn-\d+-\d+", model):
        raise SystemExit(f"Unknown model '{model}': use resnet<6n+2>, resnet<6n+2>-B or wrn-<6n+4>-<k>")
    return pytorch_reference.build(model, channels, classes)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="resnet20-B", help="resnet<6n+2>, resnet<6n+2>-B or wrn-<6n+4>-<k>")
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--warmup-steps", type=int, default=5, help="untimed steps first")
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--inference", action="store_true",
                        help="time forward passes in eval mode under torch.no_grad() instead of training steps")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    net = build(args.model)
    optimiser = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    batches = [(torch.randn(args.batch, 3, 32, 32), torch.randint(0, 10, (args.batch,))) for _ in range(4)]

    def train_step(i):
        x, y = batches[i % len(batches)]
        optimiser.zero_grad()
        F.cross_entropy(net(x), y).backward()
        optimiser.step()

    def inference_step(i):
        with torch.no_grad():
            net(batches[i % len(batches)][0])

    step = inference_step if args.inference else train_step
    net.train(not args.inference)
    for i in range(args.warmup_steps):
        step(i)
    start = time.perf_counter()
    for i in range(args.iterations):
        step(i)
    seconds = time.perf_counter() - start
    print(json.dumps({
        "model": args.model, "framework": f"pytorch {torch.__version__}",
        "mode": "inference" if args.inference else "training", "batch": args.batch,
        "warmup": args.warmup_steps, "iterations": args.iterations, "threads": args.threads,
        "images_per_second": round(args.batch * args.iterations / seconds, 2),
        "ms_per_iteration": round(1000 * seconds / args.iterations, 1),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "unset"),
    }))


if __name__ == "__main__":
    main()
