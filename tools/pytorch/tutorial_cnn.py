"""The tutorial's MNIST CNN (shared/SEED.md sample 3) in PyTorch, for the scripts under tools/ that
build it: the model fixtures, the experiments' reference runs and the training benchmark. It flattens
by the batch's own size (the tutorial's `view(batch_size, -1)` breaks on a last, smaller batch), and
`scheme` runs the tutorial's initialisation over `self.modules()` after PyTorch's default one.

Import it with tools/pytorch on sys.path:
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / 'pytorch'))
    from tutorial_cnn import TutorialCNN
"""
import torch.nn as nn
from torch.nn import init


class TutorialCNN(nn.Module):
    """Seed sample 3; `scheme` ('small-normal', 'xavier', 'kaiming' or None for PyTorch's default)."""

    def __init__(self, scheme=None):
        super().__init__()
        self.layer = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2))
        self.fc_layer = nn.Sequential(nn.Linear(64 * 7 * 7, 100), nn.ReLU(), nn.Linear(100, 10))
        if scheme is None:
            return
        for m in self.modules():
            if isinstance(m, nn.Conv2d) or isinstance(m, nn.Linear):
                if scheme == 'small-normal':
                    m.weight.data.normal_(0.0, 0.02)
                elif scheme == 'xavier':
                    init.xavier_normal_(m.weight.data)
                elif scheme == 'kaiming':
                    init.kaiming_normal_(m.weight.data)
                m.bias.data.fill_(0)

    def forward(self, x):
        return self.fc_layer(self.layer(x).view(x.size(0), -1))
