import Foundation

/// The images `predict` was given, each with the name stem its outputs get.
///
/// Stems are the file name without its extension (`a/img.png` -> `img_mask.png`, …). When two
/// inputs would share a stem, each of them gets its extension appended (`img_png`, `img_tif`);
/// when that still collides (the same name in two folders), the parent folder's name is put in
/// front (`a_img_png`, `b_img_png`); anything left (the same file given twice) gets `_2`, `_3`.
/// So no input's outputs ever replace another's, and a name that is unique stays as it was.
public struct PredictionInputs: Sendable {
    public struct Input: Sendable {
        public var file: URL
        /// The prefix of its outputs: `STEM_mask.png`, `STEM_labels.png`, …
        public var stem: String
        /// Whether `stem` differs from the plain file stem (the CLI says so).
        public var renamed: Bool
    }

    public var inputs: [Input]

    /// Expands `paths` (image files, or folders whose PNG/TIFF files are taken, sorted by name).
    /// - Throws: `PredictionError` naming the path: missing, a dangling link or link loop, or a
    ///   folder without images.
    public init(paths: [String]) throws {
        var files: [URL] = []
        for path in paths {
            switch FileProbe.kind(of: path) {
            case .folder:
                let found = try PredictionWriter.imageFiles(in: URL(fileURLWithPath: path))
                guard !found.isEmpty else { throw PredictionError.noImages(path: path) }
                files += found
            case .file:
                files.append(URL(fileURLWithPath: path))
            case let other:
                throw PredictionError.unreadableInput(path: path, reason: other.missingReason ?? "cannot be opened")
            }
        }
        self.init(files: files)
    }

    /// Gives `files` unique stems by the rule above.
    public init(files: [URL]) {
        let plain = files.map { $0.deletingPathExtension().lastPathComponent }
        var stems = plain
        func collisions(_ names: [String]) -> Set<Int> {
            let counts = Dictionary(names.map { ($0, 1) }, uniquingKeysWith: +)
            return Set(names.indices.filter { counts[names[$0]]! > 1 })
        }
        for index in collisions(stems) {
            let ext = files[index].pathExtension
            stems[index] += ext.isEmpty ? "" : "_" + ext
        }
        for index in collisions(stems) {
            let parent = files[index].deletingLastPathComponent().lastPathComponent
            stems[index] = (parent.isEmpty || parent == "/" ? "root" : parent) + "_" + stems[index]
        }
        var taken = Set<String>()
        for index in stems.indices {
            var candidate = stems[index], number = 2
            while taken.contains(candidate) { candidate = stems[index] + "_\(number)"; number += 1 }
            stems[index] = candidate
            taken.insert(candidate)
        }
        inputs = files.indices.map { Input(file: files[$0], stem: stems[$0], renamed: stems[$0] != plain[$0]) }
    }
}
