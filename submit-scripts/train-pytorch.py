#!/usr/bin/python3
"""Trains a network of benchmark-pytorch.py by the recipe of `train-job.jar train`, in CPU PyTorch:
the reference to compare this project's accuracy and time with, on the same dataset files.

Reads the official formats train --data reads (CIFAR-10 binary: data_batch_1..5.bin, test_batch.bin;
MNIST/Fashion-MNIST IDX, plain or .gz). Same protocol: a seeded held-out validation set, the training
split's mean image subtracted from pixels scaled to [0, 1] (pixel-mean), 4 pixels of zero padding,
random crops and horizontal flips, SGD with momentum 0.9 (not Nesterov), weight decay 1e-4,
learning rate divided by 10 at --lr-steps. The held-out images are not the ones train-job.jar holds
out (another random generator), so compare errors, not individual predictions.

Per epoch one JSON line: the mean training loss over the epoch (training mode, batch statistics),
the error on the first --train-eval-size training images in eval mode (running statistics, no
augmentation, as train-job.jar's "train error"), the same images in training mode (batch
statistics), the validation error, images per second and seconds. Then the test error.

With --out FOLDER it also writes a run folder in train-job.jar's format (run.json, metrics.jsonl,
eval.json), so that `train-job.jar report` sets the run beside ours; sweep files run it for points
with `trainer: pytorch`. There the training loss is the last step's, as train-job.jar records it.

    /usr/bin/python3 submit-scripts/train-pytorch.py --model resnet20 --dataset cifar10 --data DIR --epochs 2
Needs Debian's python3-torch (apt-get install python3-torch).
"""
import argparse
import datetime
import gzip
import importlib.util
import json
import os
import pathlib
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

_spec = importlib.util.spec_from_file_location("benchmark_pytorch", pathlib.Path(__file__).with_name("benchmark-pytorch.py"))
benchmark_pytorch = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(benchmark_pytorch)


def read_cifar10(folder, split):
    names = [f"data_batch_{i}.bin" for i in range(1, 6)] if split == "train" else ["test_batch.bin"]
    records = np.concatenate([np.fromfile(folder / name, dtype=np.uint8).reshape(-1, 3073) for name in names])
    return records[:, 1:].reshape(-1, 3, 32, 32), records[:, 0].astype(np.int64)


def read_idx(folder, split):
    prefix = "train" if split == "train" else "t10k"

    def load(name, header):
        path = folder / name
        if not path.exists():
            path = folder / (name + ".gz")
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        return np.frombuffer(data, dtype=np.uint8, offset=header)

    images = load(f"{prefix}-images-idx3-ubyte", 16).reshape(-1, 1, 28, 28)
    labels = load(f"{prefix}-labels-idx1-ubyte", 8).astype(np.int64)
    return images, labels


READERS = {"cifar10": read_cifar10, "mnist": read_idx, "fashion-mnist": read_idx}


def augment(x, padding, flip, generator):
    """Zero padding, a random crop of the original size and a random horizontal flip, per image."""
    n, _, h, w = x.shape
    padded = F.pad(x, (padding,) * 4)
    tops = torch.randint(0, 2 * padding + 1, (n,), generator=generator)
    lefts = torch.randint(0, 2 * padding + 1, (n,), generator=generator)
    flips = torch.rand(n, generator=generator) < 0.5 if flip else torch.zeros(n, dtype=torch.bool)
    out = torch.empty_like(x)
    for i in range(n):
        crop = padded[i, :, tops[i]:tops[i] + h, lefts[i]:lefts[i] + w]
        out[i] = crop.flip(-1) if flips[i] else crop
    return out


def error(net, x, y, train_mode, batch=500):
    """Top-1 error on (x, y) with the network in training or eval mode (no gradient, no statistics kept)."""
    state = {k: v.clone() for k, v in net.state_dict().items()}
    net.train(train_mode)
    wrong = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            wrong += (net(x[i:i + batch]).argmax(1) != y[i:i + batch]).sum().item()
    net.load_state_dict(state)   # training mode updates the running statistics: undo that
    net.train()
    return wrong / len(x)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="resnet20", help="resnet<6n+2>, resnet<6n+2>-B or wrn-<6n+4>-<k>")
    parser.add_argument("--dataset", default="cifar10", choices=sorted(READERS))
    parser.add_argument("--data", required=True, type=pathlib.Path, help="folder of the dataset's official files")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--lr-steps", default="", help="epochs after which the rate is divided by 10, e.g. 20,30")
    parser.add_argument("--val-size", type=int, default=None, help="default: 5000 or a tenth of the training images")
    parser.add_argument("--train-eval-size", type=int, default=5000)
    parser.add_argument("--no-flip", action="store_true")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=pathlib.Path, help="also write a run folder here (run.json, metrics.jsonl, eval.json)")
    args = parser.parse_args()
    run = RunFolder(args.out, args) if args.out else None

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    images, labels = READERS[args.dataset](args.data, "train")
    test_images, test_labels = READERS[args.dataset](args.data, "test")
    val_size = args.val_size if args.val_size is not None else min(5000, len(images) // 10)
    order = torch.randperm(len(images), generator=generator).numpy()
    held_out, kept = np.sort(order[:val_size]), np.sort(order[val_size:])

    def tensor(pixels):
        return torch.from_numpy(pixels.astype(np.float32) / 255.0)

    train_x, train_y = tensor(images[kept]), torch.from_numpy(labels[kept])
    mean = train_x.mean(0, keepdim=True)   # pixel-mean normalisation (He et al. 2015)
    train_x -= mean
    val_x, val_y = tensor(images[held_out]) - mean, torch.from_numpy(labels[held_out])
    test_x, test_y = tensor(test_images) - mean, torch.from_numpy(test_labels)
    probe_x, probe_y = train_x[:args.train_eval_size], train_y[:args.train_eval_size]

    net = benchmark_pytorch.build(args.model, channels=train_x.shape[1], classes=int(labels.max()) + 1)
    optimiser = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=0.9, weight_decay=1e-4)
    steps = [int(s) for s in args.lr_steps.split(",") if s]
    schedule = torch.optim.lr_scheduler.MultiStepLR(optimiser, steps, 0.1)
    steps_per_epoch = -(-len(train_x) // args.batch)
    if run:
        run.start(len(train_x), val_size, steps_per_epoch, steps)
    elapsed = 0.0
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        net.train()
        losses = []
        permutation = torch.randperm(len(train_x), generator=generator)
        for i in range(0, len(train_x), args.batch):
            batch = permutation[i:i + args.batch]
            x = augment(train_x[batch], 4, not args.no_flip, generator)
            loss = F.cross_entropy(net(x), train_y[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            losses.append(loss.item())
        seconds = time.perf_counter() - start
        elapsed += seconds
        learning_rate = schedule.get_last_lr()[0]
        schedule.step()
        line = {"epoch": epoch, "train_loss": round(float(np.mean(losses)), 4), "last_batch_loss": round(losses[-1], 4),
                "train_error": error(net, probe_x, probe_y, False),
                "train_error_batch_statistics": error(net, probe_x, probe_y, True),
                "validation_error": error(net, val_x, val_y, False) if val_size else None,
                "images_per_second": round(len(train_x) / seconds, 1), "seconds": round(seconds, 1)}
        print(json.dumps(line), flush=True)
        if run:
            run.epoch(line, epoch * steps_per_epoch, learning_rate, seconds, elapsed)
    test_error = error(net, test_x, test_y, False)
    print(json.dumps({"test_error": test_error, "test_images": len(test_x),
                      "model": args.model, "framework": f"pytorch {torch.__version__}"}), flush=True)
    if run:
        parameters = sum(p.numel() for p in net.parameters())
        run.finish(args.epochs, args.epochs * steps_per_epoch, test_error, len(test_x), parameters)


class RunFolder:
    """train-job.jar's run folder, as its records (RunRecord, EpochMetrics, EvaluationReport) write it."""

    def __init__(self, folder, args):
        self.folder, self.args = folder, args
        self.started = datetime.datetime.now(datetime.timezone.utc).isoformat()
        self.wall_start = time.perf_counter()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "metrics.jsonl").unlink(missing_ok=True)   # a run started again starts from scratch

    def write(self, name, text):
        """Under a temporary name, then renamed: a reader never sees half a file."""
        temporary = self.folder / f".{name}.tmp"
        temporary.write_text(text)
        temporary.replace(self.folder / name)

    def start(self, train_images, validation_images, steps_per_epoch, lr_steps):
        a = self.args
        self.setup = {
            "model": a.model, "dataset": a.dataset, "data": {"uri": str(a.data)},
            "train_images": train_images, "validation_images": validation_images, "seed": a.seed,
            "workers": 1, "batch_per_worker": a.batch, "effective_batch": a.batch,
            "recipe": {"learning_rate": a.lr, "base_rate": a.lr, "momentum": 0.9, "nesterov": False, "weight_decay": 1e-4,
                       "lr_drops": [s * steps_per_epoch for s in lr_steps], "max_iterations": a.epochs * steps_per_epoch,
                       "warmup": "none", "warmup_epochs": 0.0, "linear_scaling": False},
            "command_line": " ".join(["train-pytorch.py"] + sys.argv[1:]),
            "runtime": f"pytorch {torch.__version__} threads={torch.get_num_threads()}",
        }
        self.write("run.json", json.dumps({"status": "running", "started": self.started, **self.setup}, indent=2))

    def epoch(self, line, iteration, learning_rate, seconds, elapsed):
        record = {"epoch": line["epoch"], "iteration": iteration, "learning_rate": learning_rate,
                  "train_loss": line["last_batch_loss"], "train_error": line["train_error"],
                  "validation_error": line["validation_error"], "images_per_second": line["images_per_second"],
                  "seconds": seconds, "elapsed_seconds": elapsed, "effective_batch": self.args.batch}
        with open(self.folder / "metrics.jsonl", "a") as metrics:
            metrics.write(json.dumps({k: v for k, v in record.items() if v is not None}) + "\n")

    def finish(self, epochs, iterations, test_error, test_images, parameters):
        self.write("eval.json", json.dumps({"model": self.args.model, "parameters": parameters, "dataset": self.args.dataset, "split": "test",
                                            "images": test_images, "accuracy": 1 - test_error,
                                            "error_percent": 100 * test_error}, indent=2))
        outcome = {"status": "finished", "started": self.started,
                   "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(), "epochs": epochs,
                   "iterations": iterations, "test_error": test_error, "test_images": test_images,
                   "parameters": parameters, "total_seconds": time.perf_counter() - self.wall_start,
                   "wall_seconds": time.perf_counter() - self.wall_start}
        self.write("run.json", json.dumps({**outcome, **self.setup}, indent=2))


if __name__ == "__main__":
    main()
