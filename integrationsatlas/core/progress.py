"""Progress bars for long command-line work; silent when output is not a terminal."""

from __future__ import annotations

import sys

from tqdm import tqdm


class StepProgress:
    """A bar over named steps: `with StepProgress(3) as step: step("Regionen") ...`."""

    def __init__(self, total: int):
        self.bar = tqdm(total=total, disable=not sys.stderr.isatty(), leave=False)
        self.started = False

    def __call__(self, label: str) -> None:
        if self.started:
            self.bar.update(1)
        self.started = True
        self.bar.set_description(label)

    def __enter__(self) -> StepProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.started:
            self.bar.update(1)
        self.bar.close()
