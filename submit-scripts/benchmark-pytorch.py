#!/usr/bin/python3
"""The benchmark job's reference: the same CIFAR network trained (or run) by CPU PyTorch here.

Same networks as train-job.jar's names: resnet<6n+2> (He et al. 2015, option A shortcuts:
strided subsample, zero-padded channels), resnet<6n+2>-B (1x1 projection + batch norm where the
shape changes) and wrn-<6n+4>-<k> (Zagoruyko & Komodakis: pre-activation wide blocks, 1x1
projections of the pre-activated input where the shape changes). Same batch, SGD with momentum
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
import torch.nn as nn
import torch.nn.functional as F


class BasicBlock(nn.Module):
    """Option A: strided subsample and zero-padded channels; B: 1x1 projection with batch norm."""

    def __init__(self, in_planes, planes, stride, shortcut):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        changes = stride != 1 or in_planes != planes
        self.pad = planes - in_planes if changes and shortcut == "A" else 0
        self.projection = nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes)) \
            if changes and shortcut == "B" else None

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        shortcut = x
        if self.pad:
            shortcut = F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, 0, self.pad))
        elif self.projection is not None:
            shortcut = self.projection(x)
        return F.relu(out + shortcut)


class CifarResNet(nn.Module):
    def __init__(self, depth, shortcut="A", classes=10, channels=3):
        super().__init__()
        n = (depth - 2) // 6
        self.conv = nn.Conv2d(channels, 16, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        blocks, in_planes = [], 16
        for stage, planes in enumerate([16, 32, 64]):
            for block in range(n):
                stride = 2 if stage > 0 and block == 0 else 1
                blocks.append(BasicBlock(in_planes, planes, stride, shortcut))
                in_planes = planes
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(64, classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)

    def forward(self, x):
        out = F.relu(self.bn(self.conv(x)))
        out = self.blocks(out)
        out = F.adaptive_avg_pool2d(out, 1).flatten(1)
        return self.fc(out)


class PreActBlock(nn.Module):
    """Wide ResNet block: BN-ReLU-conv3x3-BN-ReLU-conv3x3, projection of the pre-activated input."""

    def __init__(self, in_planes, planes, stride):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_planes)
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.projection = nn.Conv2d(in_planes, planes, 1, stride, bias=False) \
            if stride != 1 or in_planes != planes else None

    def forward(self, x):
        activated = F.relu(self.bn1(x))
        out = self.conv2(F.relu(self.bn2(self.conv1(activated))))
        return out + (self.projection(activated) if self.projection is not None else x)


class WideResNet(nn.Module):
    def __init__(self, depth, widen, classes=10, channels=3):
        super().__init__()
        n = (depth - 4) // 6
        self.conv = nn.Conv2d(channels, 16, 3, 1, 1, bias=False)
        blocks, in_planes = [], 16
        for stage, planes in enumerate([16 * widen, 32 * widen, 64 * widen]):
            for block in range(n):
                blocks.append(PreActBlock(in_planes, planes, 2 if stage > 0 and block == 0 else 1))
                in_planes = planes
        self.blocks = nn.Sequential(*blocks)
        self.bn = nn.BatchNorm2d(in_planes)
        self.fc = nn.Linear(in_planes, classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)

    def forward(self, x):
        out = F.relu(self.bn(self.blocks(self.conv(x))))
        out = F.adaptive_avg_pool2d(out, 1).flatten(1)
        return self.fc(out)


def build(model, channels=3, classes=10):
    """The network a train-job.jar model name stands for (the names this script knows)."""
    resnet = re.fullmatch(r"resnet(\d+)(-B)?", model)
    if resnet and (int(resnet.group(1)) - 2) % 6 == 0:
        return CifarResNet(int(resnet.group(1)), "B" if resnet.group(2) else "A", classes, channels)
    wrn = re.fullmatch(r"wrn-(\d+)-(\d+)", model)
    if wrn and (int(wrn.group(1)) - 4) % 6 == 0:
        return WideResNet(int(wrn.group(1)), int(wrn.group(2)), classes, channels)
    raise SystemExit(f"Unknown model '{model}': use resnet<6n+2>, resnet<6n+2>-B or wrn-<6n+4>-<k>")


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
