#!/usr/bin/python3
"""The benchmark job's reference: the same CIFAR ResNet trained by CPU PyTorch on this machine.

Same network (He et al. 2015, option A shortcuts: strided subsample, zero-padded channels),
same batch, SGD with momentum 0.9 and weight decay 1e-4, seeded synthetic data, warm-up
then timed steps. Prints one JSON line with the fields of `train-job.jar benchmark --json`.

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 submit-scripts/benchmark-pytorch.py --depth 20 --batch 128
Needs Debian's python3-torch (apt-get install python3-torch).
"""
import argparse
import json
import os
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
    def __init__(self, depth, shortcut="A", classes=10):
        super().__init__()
        n = (depth - 2) // 6
        self.conv = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--depth", type=int, default=20)
    parser.add_argument("--shortcut", choices=["A", "B"], default="A")
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    if (args.depth - 2) % 6 != 0:
        parser.error("depth must be 6n+2")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    net = CifarResNet(args.depth, args.shortcut)
    optimiser = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    batches = [(torch.randn(args.batch, 3, 32, 32), torch.randint(0, 10, (args.batch,))) for _ in range(4)]

    def step(i):
        x, y = batches[i % len(batches)]
        optimiser.zero_grad()
        F.cross_entropy(net(x), y).backward()
        optimiser.step()

    net.train()
    for i in range(args.warmup):
        step(i)
    start = time.perf_counter()
    for i in range(args.iterations):
        step(i)
    seconds = time.perf_counter() - start
    print(json.dumps({
        "model": f"resnet{args.depth}" + ("-B" if args.shortcut == "B" else ""), "framework": f"pytorch {torch.__version__}", "batch": args.batch,
        "warmup": args.warmup, "iterations": args.iterations, "threads": args.threads,
        "images_per_second": round(args.batch * args.iterations / seconds, 2),
        "ms_per_iteration": round(1000 * seconds / args.iterations, 1),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "unset"),
    }))


if __name__ == "__main__":
    main()
