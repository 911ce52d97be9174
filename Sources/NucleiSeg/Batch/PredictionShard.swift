import Foundation

/// One of N equal parts of a `predict` run (`--shard K/N`), for job arrays.
///
/// The inputs are ordered by path and input `i` (0-based, in that order) belongs to shard
/// `i mod N + 1`; so each shard gets every N-th image, the shards are disjoint and together
/// cover every input, and the split depends only on the set of inputs, not on the order they
/// were given in. Output stems are chosen over all inputs first (`PredictionInputs`), so an
/// image's outputs have the same name whichever shard writes them.
public struct PredictionShard: Equatable, Sendable, CustomStringConvertible {
    /// 1-based index of this shard.
    public var index: Int
    /// Number of shards.
    public var count: Int

    public init(index: Int, count: Int) {
        precondition(count >= 1 && (1...count).contains(index), "shard \(index)/\(count) out of range")
        self.index = index
        self.count = count
    }

    /// Parses `K/N` with 1 <= K <= N; nil otherwise.
    public init?(argument: String) {
        let parts = argument.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2,
              let index = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let count = Int(parts[1].trimmingCharacters(in: .whitespaces)),
              count >= 1, index >= 1, index <= count else { return nil }
        self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    /// The inputs of this shard, in path order.
    public func select(_ inputs: [PredictionInputs.Input]) -> [PredictionInputs.Input] {
        let ordered = inputs.sorted { ($0.file.path, $0.stem) < ($1.file.path, $1.stem) }
        return ordered.enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
    }
}

extension PredictionWriter {
    /// The file names `predict` writes for an image with this stem and these options, in the
    /// order it writes them (`PredictionResult.files`).
    public static func outputNames(stem: String, options: PredictionOptions) -> [String] {
        var suffixes: [String] = []
        if options.formats.contains(.png) { suffixes += ["_mask.png", "_labels.png"] }
        if options.formats.contains(.tiff) { suffixes.append("_labels.tif") }
        suffixes.append("_nuclei.csv")
        if options.formats.contains(.rois) { suffixes.append("_rois.zip") }
        if options.formats.contains(.geojson) { suffixes.append("_nuclei.geojson") }
        if options.writeOverlay { suffixes.append("_overlay.png") }
        return suffixes.map { stem + $0 }
    }

    /// Whether every file `predict` would write for `stem` is already in `folder` as a regular
    /// file (`--skip-existing`). An image's outputs are committed all or nothing (`OutputSet`),
    /// so a present set is a finished one; a set missing any file (another format asked for
    /// now, or a run killed before the image) is predicted again.
    /// A streamed image's set (`streamingSuffixes`) counts as complete unless streaming is off.
    public static func hasCompleteOutputs(stem: String, in folder: URL, options: PredictionOptions) -> Bool {
        func present(_ names: [String]) -> Bool {
            names.allSatisfy { name in
                var isDirectory: ObjCBool = false
                let path = folder.appendingPathComponent(name).path
                return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            }
        }
        let streamed = streamingSuffixes.map { stem + $0 }
        switch options.streaming {
        case .always: return present(streamed)
        case .never: return present(outputNames(stem: stem, options: options))
        case .automatic: return present(outputNames(stem: stem, options: options)) || present(streamed)
        }
    }
}
