"""Split the labelled answers of tests/data/content/ into train, dev and a sealed test split.

    python benchmarks/split_content.py staging/   (once, when new answers are written)

Each answer goes where a hash of its id sends it (5 of 10 to train, 2 to dev, 3 to
test), so nobody chooses where an answer lands. Answers already split keep their place.
"""

from __future__ import annotations

import hashlib
import re
import sys
import tomllib
from pathlib import Path

CONTENT = Path(__file__).resolve().parent.parent / "tests" / "data" / "content"
SPLITS = {**dict.fromkeys(range(5), "train"), 5: "dev", 6: "dev", 7: "test", 8: "test", 9: "test"}


def split_of(answer_id: str) -> str:
    return SPLITS[int(hashlib.sha256(answer_id.encode()).hexdigest(), 16) % 10]


def main(staging: Path) -> None:
    for path in sorted(staging.glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        head, *blocks = re.split(r"(?m)^(?=\[\[answers\]\]$)", text)
        data = tomllib.loads(text)
        assert len(blocks) == len(data["answers"]), path
        out: dict[str, list[str]] = {"train": [], "dev": [], "test": []}
        for block, answer in zip(blocks, data["answers"], strict=True):
            out[split_of(answer["id"])].append(block.rstrip() + "\n")
        for split, chosen in out.items():
            if not chosen:
                continue
            folder = CONTENT / split
            folder.mkdir(exist_ok=True)
            (folder / path.name).write_text(head.rstrip() + "\n\n" + "\n".join(chosen),
                                            encoding="utf-8")
            print(f"{split:5s} {path.name}: {len(chosen)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
