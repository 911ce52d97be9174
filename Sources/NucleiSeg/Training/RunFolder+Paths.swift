import Foundation

extension RunFolder {
    /// Where a run's files are: the one place that spells the run-folder layout.
    ///
    ///     RUN/history.csv                          one row per finished epoch
    ///     RUN/checkpoints/last.safetensors         weights + Adam state + loop state after the last epoch
    ///     RUN/checkpoints/best.safetensors         weights of the best epoch so far (lowest val_loss)
    ///     RUN/checkpoints/interrupted.safetensors  weights at Ctrl-C (mid-epoch), if any
    ///     RUN/model.safetensors                    the final model: best weights, with all metadata
    ///     RUN/figures/*.png                        the report's figures
    ///     RUN/evaluation/                          per_image.csv, summary.json, groups.json of the test split
    ///     RUN/report.html                          the report
    ///
    /// A value (no lock): `RunReport` reads a finished run through it, `RunFolder` (which locks)
    /// hands one to the trainer.
    public struct Paths: Sendable, Equatable {
        public let root: URL

        public init(root: URL) { self.root = root }

        public var history: URL { root.appendingPathComponent("history.csv") }
        public var checkpoints: URL { root.appendingPathComponent("checkpoints") }
        public var lastCheckpoint: URL { checkpoints.appendingPathComponent("last.safetensors") }
        public var bestCheckpoint: URL { checkpoints.appendingPathComponent("best.safetensors") }
        public var interruptedCheckpoint: URL { checkpoints.appendingPathComponent("interrupted.safetensors") }
        public var model: URL { root.appendingPathComponent("model.safetensors") }
        public var figures: URL { root.appendingPathComponent("figures") }
        public var evaluation: URL { root.appendingPathComponent("evaluation") }
        public var evaluationSummary: URL { evaluation.appendingPathComponent("summary.json") }
        public var evaluationGroups: URL { evaluation.appendingPathComponent("groups.json") }
        public var report: URL { root.appendingPathComponent("report.html") }
        public var lock: URL { root.appendingPathComponent(".lock") }

        /// The entries (files and folders) of the root that mark it as holding a run, and that
        /// `--overwrite` removes.
        static let runEntries = ["history.csv", "model.safetensors", "checkpoints", "figures", "evaluation", "report.html"]
    }
}
