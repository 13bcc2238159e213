"""Create ``src/arraygrad/data/digits.npz`` from scikit-learn's bundled copy of the UCI
optical handwritten digits (run once; scikit-learn is not a dependency of arraygrad).

    python -m pip install scikit-learn
    python tools/make_digits.py

The data: 1,797 8x8 images of handwritten digits, pixel values 0..16, 10 classes.
Alpaydin, E. & Kaynak, C. (1998). Optical Recognition of Handwritten Digits.
UCI Machine Learning Repository. https://doi.org/10.24432/C50P49 (CC BY 4.0).
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "src" / "arraygrad" / "data" / "digits.npz"


def main() -> int:
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        print("this script needs scikit-learn once: python -m pip install scikit-learn",
              file=sys.stderr)
        return 1
    bunch = load_digits()
    images = np.asarray(bunch.data)
    labels = np.asarray(bunch.target)
    if images.shape != (1797, 64) or labels.shape != (1797,):
        raise SystemExit(f"unexpected shapes {images.shape} {labels.shape}")
    if not np.array_equal(images, np.round(images)) or images.min() < 0 or images.max() > 16:
        raise SystemExit("unexpected pixel values: expected integers 0..16")
    images = images.astype(np.uint8)
    labels = labels.astype(np.int64)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "wb") as f:
        np.savez_compressed(f, images=images, labels=labels)
    digest = hashlib.sha256(images.tobytes() + labels.tobytes()).hexdigest()
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes); images {images.shape} uint8, "
          f"labels {labels.shape} int64; counts {np.bincount(labels).tolist()}")
    print(f"sha256(images.tobytes() + labels.tobytes()) = {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
