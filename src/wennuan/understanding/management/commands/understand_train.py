"""`wennuan understand_train`: rebuild the category model shipped with the reader."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Rebuilds wennuan/understanding/category_model.npz from the training authors of the "
        "labelled corpus (deterministic; held-out authors are never read)."
    )

    def add_arguments(self, parser):
        # Start-up cost: `wennuan manage help` lists every command; training code is heavy.
        from wennuan.understanding.model import MODEL_PATH
        from wennuan.understanding.training import CORPUS_DIR

        parser.add_argument("--corpus", type=Path, default=CORPUS_DIR)
        parser.add_argument("--out", type=Path, default=MODEL_PATH)

    def handle(self, *args, corpus: Path, out: Path, **options):
        from wennuan.understanding.training import TRAINING_AUTHORS, build_model_arrays, save_arrays

        arrays = build_model_arrays(corpus)
        save_arrays(arrays, out)
        self.stdout.write(
            f"{out}: {len(arrays['vocabulary'])} n-grams, {len(arrays['cue_names'])} cues, "
            f"classes {', '.join(arrays['classes'].tolist())}, temperature "
            f"{float(arrays['temperature']):.3f}; authors {', '.join(TRAINING_AUTHORS)}"
        )
