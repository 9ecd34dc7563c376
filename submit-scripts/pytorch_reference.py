#!/usr/bin/python3
"""PyTorch reference modules for train-job.jar's import-weights and export-weights, and the PyTorch
half of their fidelity tests.

Each module is transcribed from published code, parameter names and initialisation included, so
that its state_dict is the one that code writes (and that its published checkpoints hold); the
benchmark and training comparisons (benchmark-pytorch.py, train-pytorch.py) use them too:

  resnet<6n+2>, resnet<6n+2>-B  akamaster/pytorch_resnet_cifar10, resnet.py: conv1, bn1,
                                layer1.0.conv1, ..., linear; option A pads the subsampled input with
                                planes//4 zero channels on EACH side; option B is shortcut.0 (1x1
                                conv) + shortcut.1 (BN)
  resnet18/34/50/101/152        torchvision, models/resnet.py (v1.5: a bottleneck's stride on its
                                3x3): conv1, bn1, layer1.0.conv1, ..., downsample.0/.1, fc; with the
                                usual CIFAR stem (conv1 3x3 stride 1, no max-pool) as this project uses
  preact<9n+2> (bottleneck),    hysts/pytorch_resnet_preact, resnet_preact.py, default configuration
  preact<6n+2> (basic)          (preact_stage all True, no last BN, first ReLU kept): conv,
                                stage1.block1.bn1, ..., shortcut.conv, bn, fc
  wrn-<6n+4>-<k>                xternalz/WideResNet-pytorch, wideresnet.py: conv1,
                                block1.layer.0.bn1, ..., convShortcut, bn1, fc

Commands (the JUnit fidelity test runs them; they are also a way to check a file by hand):

  make --model M --out DIR [--seed S] [--images N]
      random weights and random batch-norm statistics; writes DIR/zip.pt (torch.save, zip format,
      a bare state_dict), DIR/legacy.pt (the format before PyTorch 1.6, as pytorch_resnet_cifar10's
      trainer saves: {'state_dict': DataParallel keys 'module.*', 'best_prec1': ...}),
      DIR/images.f32 (N x 3 x 32 x 32 float32) and DIR/logits.f32 (N x classes, eval mode)
  check --model M --weights FILE --dir DIR
      loads FILE into the reference module with strict=True, and compares its logits on
      DIR/images.f32 with DIR/logits.f32 and its tensors with DIR/zip.pt's; prints one JSON line,
      exits 1 when they differ by more than float rounding.
  predict --model M --weights FILE --cifar test_batch.bin [--mean R,G,B --std R,G,B]
      the confusion matrix (rows: true class) on a CIFAR-10 binary file, pixels scaled to [0, 1]
      and normalised as pytorch_resnet_cifar10's trainer does.

Needs Debian's python3-torch (apt-get install python3-torch).
"""
import argparse
import json
import re
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


# ---- akamaster/pytorch_resnet_cifar10, resnet.py ----

class LambdaLayer(nn.Module):
    def __init__(self, lambd):
        super().__init__()
        self.lambd = lambd

    def forward(self, x):
        return self.lambd(x)


class CifarBasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_planes, planes, stride=1, option='A'):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != planes:
            if option == 'A':
                # The zero channels go on both sides (fb.resnet.torch appends them after).
                self.shortcut = LambdaLayer(lambda x: F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, planes // 4, planes // 4),
                                                            "constant", 0))
            elif option == 'B':
                self.shortcut = nn.Sequential(
                    nn.Conv2d(in_planes, self.expansion * planes, kernel_size=1, stride=stride, bias=False),
                    nn.BatchNorm2d(self.expansion * planes))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += self.shortcut(x)
        return F.relu(out)


class CifarResNet(nn.Module):
    def __init__(self, num_blocks, option='A', num_classes=10, channels=3):
        super().__init__()
        self.in_planes = 16
        self.conv1 = nn.Conv2d(channels, 16, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.layer1 = self._make_layer(16, num_blocks, 1, option)
        self.layer2 = self._make_layer(32, num_blocks, 2, option)
        self.layer3 = self._make_layer(64, num_blocks, 2, option)
        self.linear = nn.Linear(64, num_classes)
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Conv2d)):
                nn.init.kaiming_normal_(m.weight)

    def _make_layer(self, planes, num_blocks, stride, option):
        layers = []
        for stride in [stride] + [1] * (num_blocks - 1):
            layers.append(CifarBasicBlock(self.in_planes, planes, stride, option))
            self.in_planes = planes
        return nn.Sequential(*layers)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer3(self.layer2(self.layer1(out)))
        out = F.avg_pool2d(out, out.size()[3])
        return self.linear(out.view(out.size(0), -1))


# ---- torchvision, models/resnet.py (ResNet v1.5), CIFAR stem ----

class TorchvisionBasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class TorchvisionBottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)  # v1.5: the stride on the 3x3
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * self.expansion, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class TorchvisionResNet(nn.Module):
    LAYERS = {18: (TorchvisionBasicBlock, [2, 2, 2, 2]), 34: (TorchvisionBasicBlock, [3, 4, 6, 3]),
              50: (TorchvisionBottleneck, [3, 4, 6, 3]), 101: (TorchvisionBottleneck, [3, 4, 23, 3]),
              152: (TorchvisionBottleneck, [3, 8, 36, 3])}

    def __init__(self, depth, num_classes=10, channels=3):
        super().__init__()
        block, layers = self.LAYERS[depth]
        self.inplanes = 64
        # torchvision's stem is a 7x7 stride-2 convolution and a max-pool; on 32x32 images the
        # usual replacement (and this project's ImageNet-layout stem) is a 3x3 stride-1 conv, no pool.
        self.conv1 = nn.Conv2d(channels, 64, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def _make_layer(self, block, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(nn.Conv2d(self.inplanes, planes * block.expansion, 1, stride, bias=False),
                                       nn.BatchNorm2d(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


# ---- hysts/pytorch_resnet_preact, resnet_preact.py (default configuration) ----

class PreactBasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_channels, out_channels, stride, preact):
        super().__init__()
        self._preact = preact
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.shortcut = nn.Sequential()
        if in_channels != out_channels:
            self.shortcut.add_module('conv', nn.Conv2d(in_channels, out_channels, 1, stride, 0, bias=False))

    def forward(self, x):
        if self._preact:
            x = F.relu(self.bn1(x))  # the shortcut takes the pre-activated input
            y = self.conv1(x)
        else:
            y = self.conv1(F.relu(self.bn1(x)))
        y = self.conv2(F.relu(self.bn2(y)))
        return y + self.shortcut(x)


class PreactBottleneckBlock(nn.Module):
    expansion = 4

    def __init__(self, in_channels, out_channels, stride, preact):
        super().__init__()
        self._preact = preact
        bottleneck_channels = out_channels // self.expansion
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.conv1 = nn.Conv2d(in_channels, bottleneck_channels, 1, 1, 0, bias=False)
        self.bn2 = nn.BatchNorm2d(bottleneck_channels)
        self.conv2 = nn.Conv2d(bottleneck_channels, bottleneck_channels, 3, stride, 1, bias=False)  # stride on the 3x3
        self.bn3 = nn.BatchNorm2d(bottleneck_channels)
        self.conv3 = nn.Conv2d(bottleneck_channels, out_channels, 1, 1, 0, bias=False)
        self.shortcut = nn.Sequential()
        if in_channels != out_channels:
            self.shortcut.add_module('conv', nn.Conv2d(in_channels, out_channels, 1, stride, 0, bias=False))

    def forward(self, x):
        if self._preact:
            x = F.relu(self.bn1(x))
            y = self.conv1(x)
        else:
            y = self.conv1(F.relu(self.bn1(x)))
        y = self.conv2(F.relu(self.bn2(y)))
        y = self.conv3(F.relu(self.bn3(y)))
        return y + self.shortcut(x)


class PreactResNet(nn.Module):
    def __init__(self, depth, bottleneck, num_classes=10, channels=3, base_channels=16):
        super().__init__()
        block = PreactBottleneckBlock if bottleneck else PreactBasicBlock
        n = (depth - 2) // (9 if bottleneck else 6)
        # hysts's widths: with bottlenecks its stage 1 stays base_channels wide (4-channel
        # bottlenecks), where He et al.'s resnet-pre-act.lua widens it to 64.
        n_channels = [base_channels, base_channels * 2 * block.expansion, base_channels * 4 * block.expansion]
        self.conv = nn.Conv2d(channels, n_channels[0], 3, 1, 1, bias=False)
        self.stage1 = self._make_stage(n_channels[0], n_channels[0], n, block, 1)
        self.stage2 = self._make_stage(n_channels[0], n_channels[1], n, block, 2)
        self.stage3 = self._make_stage(n_channels[1], n_channels[2], n, block, 2)
        self.bn = nn.BatchNorm2d(n_channels[2])
        self.fc = nn.Linear(n_channels[2], num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
            elif isinstance(m, nn.Linear):
                m.bias.data.zero_()

    @staticmethod
    def _make_stage(in_channels, out_channels, n_blocks, block, stride):
        # preact_stage = [True, True, True]: each stage's first block shares its BN-ReLU with the shortcut.
        stage = nn.Sequential()
        for index in range(n_blocks):
            stage.add_module('block{}'.format(index + 1),
                             block(in_channels if index == 0 else out_channels, out_channels,
                                   stride if index == 0 else 1, preact=index == 0))
        return stage

    def forward(self, x):
        x = self.stage3(self.stage2(self.stage1(self.conv(x))))
        x = F.adaptive_avg_pool2d(F.relu(self.bn(x)), output_size=1)
        return self.fc(x.view(x.size(0), -1))


# ---- xternalz/WideResNet-pytorch, wideresnet.py ----

class WideBasicBlock(nn.Module):
    def __init__(self, in_planes, out_planes, stride, drop_rate=0.0):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_planes)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(in_planes, out_planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_planes)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(out_planes, out_planes, 3, 1, 1, bias=False)
        self.droprate = drop_rate
        self.equalInOut = in_planes == out_planes
        self.convShortcut = None if self.equalInOut else nn.Conv2d(in_planes, out_planes, 1, stride, 0, bias=False)

    def forward(self, x):
        if not self.equalInOut:
            x = self.relu1(self.bn1(x))  # the projection takes the pre-activated input
            out = x
        else:
            out = self.relu1(self.bn1(x))
        out = self.conv1(out)
        if self.droprate > 0:
            out = F.dropout(out, p=self.droprate, training=self.training)
        out = self.conv2(self.relu2(self.bn2(out)))
        return torch.add(x if self.equalInOut else self.convShortcut(x), out)


class NetworkBlock(nn.Module):
    def __init__(self, nb_layers, in_planes, out_planes, stride, drop_rate):
        super().__init__()
        self.layer = nn.Sequential(*[WideBasicBlock(in_planes if i == 0 else out_planes, out_planes,
                                                    stride if i == 0 else 1, drop_rate) for i in range(nb_layers)])

    def forward(self, x):
        return self.layer(x)


class WideResNet(nn.Module):
    def __init__(self, depth, width, num_classes=10, drop_rate=0.0, channels=3):
        super().__init__()
        n_channels = [16, 16 * width, 32 * width, 64 * width]
        n = (depth - 4) // 6
        self.conv1 = nn.Conv2d(channels, n_channels[0], 3, 1, 1, bias=False)
        self.block1 = NetworkBlock(n, n_channels[0], n_channels[1], 1, drop_rate)
        self.block2 = NetworkBlock(n, n_channels[1], n_channels[2], 2, drop_rate)
        self.block3 = NetworkBlock(n, n_channels[2], n_channels[3], 2, drop_rate)
        self.bn1 = nn.BatchNorm2d(n_channels[3])
        self.relu = nn.ReLU(inplace=True)
        self.fc = nn.Linear(n_channels[3], num_classes)
        self.nChannels = n_channels[3]
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.normal_(m.weight, 0, (2.0 / (m.kernel_size[0] * m.kernel_size[1] * m.out_channels)) ** 0.5)
            elif isinstance(m, nn.Linear):
                m.bias.data.zero_()

    def forward(self, x):
        out = self.block3(self.block2(self.block1(self.conv1(x))))
        out = self.relu(self.bn1(out))
        out = F.adaptive_avg_pool2d(out, 1)
        return self.fc(out.view(-1, self.nChannels))


def build(model, channels=3, classes=10):
    """The reference module for a train-job.jar model name."""
    if m := re.fullmatch(r"resnet(18|34|50|101|152)", model):
        return TorchvisionResNet(int(m.group(1)), classes, channels)
    if (m := re.fullmatch(r"resnet(\d+)(-B)?", model)) and (int(m.group(1)) - 2) % 6 == 0:
        return CifarResNet((int(m.group(1)) - 2) // 6, 'B' if m.group(2) else 'A', classes, channels)
    if m := re.fullmatch(r"preact(\d+)", model):
        depth = int(m.group(1))
        # This project's default block: bottlenecks for 9n+2 depths from 164 on (or not 6n+2).
        bottleneck = (depth - 2) % 9 == 0 and (depth > 110 or (depth - 2) % 6 != 0)
        return PreactResNet(depth, bottleneck, classes, channels)
    if m := re.fullmatch(r"wrn-(\d+)-(\d+)(?:-dropout([0-9.]+))?", model):
        return WideResNet(int(m.group(1)), int(m.group(2)), classes, float(m.group(3) or 0), channels)
    raise SystemExit(f"No reference module for '{model}': use resnet<6n+2>[-B], resnet18/34/50/101/152, "
                     "preact<depth> or wrn-<6n+4>-<k>")


def randomize(net, generator):
    """Random weights and random batch-norm statistics, so that every parameter matters to the logits."""
    with torch.no_grad():
        for module in net.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                fan_in = module.weight[0].numel()
                module.weight.copy_(torch.randn(module.weight.shape, generator=generator) * (2.0 / fan_in) ** 0.5)
                if module.bias is not None:
                    module.bias.copy_(torch.randn(module.bias.shape, generator=generator) * 0.1)
            elif isinstance(module, nn.BatchNorm2d):
                c = module.num_features
                module.weight.copy_(torch.rand(c, generator=generator) * 0.5 + 0.5)
                module.bias.copy_(torch.randn(c, generator=generator) * 0.1)
                module.running_mean.copy_(torch.randn(c, generator=generator) * 0.1)
                module.running_var.copy_(torch.rand(c, generator=generator) * 1.0 + 0.5)
                module.num_batches_tracked.fill_(int(torch.randint(1, 1000, (1,), generator=generator)))


def logits_of(net, images):
    net.eval()
    with torch.no_grad():
        return net(images)


def make(args):
    generator = torch.Generator().manual_seed(args.seed)
    net = build(args.model)
    randomize(net, generator)
    images = torch.randn(args.images, 3, 32, 32, generator=generator)
    logits = logits_of(net, images)
    torch.save(net.state_dict(), f"{args.out}/zip.pt")
    # pytorch_resnet_cifar10's trainer: torch.save({'state_dict': DataParallel(model).state_dict(), ...}).
    parallel = {"module." + key: value for key, value in net.state_dict().items()}
    torch.save({"state_dict": parallel, "best_prec1": 91.25}, f"{args.out}/legacy.pt",
               _use_new_zipfile_serialization=False)
    images.numpy().astype("<f4").tofile(f"{args.out}/images.f32")
    logits.numpy().astype("<f4").tofile(f"{args.out}/logits.f32")
    print(json.dumps({"model": args.model, "images": args.images, "classes": logits.shape[1],
                      "parameters": sum(p.numel() for p in net.parameters())}))


def check(args):
    import numpy as np
    net = build(args.model)
    net.load_state_dict(torch.load(args.weights), strict=True)
    images = torch.from_numpy(np.fromfile(f"{args.dir}/images.f32", dtype="<f4")).view(-1, 3, 32, 32)
    expected = torch.from_numpy(np.fromfile(f"{args.dir}/logits.f32", dtype="<f4")).view(images.shape[0], -1)
    logits = logits_of(net, images)
    scale = expected.abs().max().item()
    logit_diff = (logits - expected).abs().max().item()
    original = torch.load(f"{args.dir}/zip.pt")
    tensor_diff = {}
    for key, value in net.state_dict().items():
        if key.endswith("num_batches_tracked"):
            continue
        reference = original[key]
        tensor_diff[key] = ((value - reference).abs().max() / reference.abs().max().clamp(min=1e-30)).item()
    worst = max(tensor_diff, key=tensor_diff.get)
    ok = logit_diff <= 1e-4 * max(scale, 1.0) and tensor_diff[worst] <= 1e-6
    print(json.dumps({"model": args.model, "loaded_strict": True, "logit_max_abs_diff": logit_diff,
                      "logit_scale": scale, "worst_tensor": worst, "worst_tensor_relative_diff": tensor_diff[worst],
                      "ok": ok}))
    return 0 if ok else 1


def predict(args):
    """The reference's confusion matrix on a CIFAR binary file, normalised as its trainer does."""
    import numpy as np
    net = build(args.model)
    net.load_state_dict(torch.load(args.weights), strict=True)
    records = np.fromfile(args.cifar, dtype=np.uint8).reshape(-1, 3073)
    labels = torch.from_numpy(records[:, 0].astype(np.int64))
    images = torch.from_numpy(records[:, 1:].astype(np.float32) / 255).view(-1, 3, 32, 32)
    mean = torch.tensor([float(v) for v in args.mean.split(",")]).view(1, 3, 1, 1)
    std = torch.tensor([float(v) for v in args.std.split(",")]).view(1, 3, 1, 1)
    predictions = logits_of(net, (images - mean) / std).argmax(1)
    classes = net.state_dict()[[k for k in net.state_dict() if k.endswith("bias")][-1]].shape[0]
    confusion = torch.zeros(classes, classes, dtype=torch.long)
    for truth, guess in zip(labels.tolist(), predictions.tolist()):
        confusion[truth, guess] += 1
    print(json.dumps({"model": args.model, "images": len(labels),
                      "accuracy": (predictions == labels).float().mean().item(), "confusion_matrix": confusion.tolist()}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    make_parser = commands.add_parser("make", help="a reference module with random weights, saved both ways")
    make_parser.add_argument("--model", required=True)
    make_parser.add_argument("--out", required=True)
    make_parser.add_argument("--seed", type=int, default=1)
    make_parser.add_argument("--images", type=int, default=8)
    check_parser = commands.add_parser("check", help="load a file strictly and compare logits and tensors")
    check_parser.add_argument("--model", required=True)
    check_parser.add_argument("--weights", required=True)
    check_parser.add_argument("--dir", required=True)
    predict_parser = commands.add_parser("predict", help="the confusion matrix on a CIFAR binary file")
    predict_parser.add_argument("--model", required=True)
    predict_parser.add_argument("--weights", required=True)
    predict_parser.add_argument("--cifar", required=True, help="a CIFAR-10 binary file, e.g. test_batch.bin")
    predict_parser.add_argument("--mean", default="0.485,0.456,0.406")
    predict_parser.add_argument("--std", default="0.229,0.224,0.225")
    args = parser.parse_args()
    torch.set_num_threads(1)
    return {"make": make, "check": check, "predict": predict}[args.command](args)


if __name__ == "__main__":
    sys.exit(main() or 0)
