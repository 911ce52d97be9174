import Foundation

/// When `predict` streams an image instead of decoding it whole.
public enum StreamingChoice: String, Sendable, CaseIterable {
    /// TIFF inputs above `StreamingOptions.automaticPixels` (the default).
    case automatic
    /// Every input (`--streaming`); each must be a TIFF.
    case always
    /// Never (the whole-image path, with its 2^28-pixel limit).
    case never
}

extension PredictionWriter {
    /// The files a streamed image gets: the tiled BigTIFF labels and the CSV.
    public static let streamingSuffixes = ["_labels.tif", "_nuclei.csv"]

    /// Whether `input` is predicted by blocks under `options` (reads its header only).
    /// - Throws: `ImagingError` naming the file when `.always` is asked of a file that is not a
    ///   readable TIFF.
    public static func streams(_ input: URL, options: PredictionOptions) throws -> Bool {
        switch options.streaming {
        case .never: return false
        case .always: return true
        case .automatic:
            guard let reader = try? TIFFRegionReader(url: input, channel: options.channel) else { return false }
            return StreamingOptions.streamsAutomatically(width: reader.width, height: reader.height)
        }
    }

    /// Predicts a TIFF of any size in bounded memory (`StreamingPrediction`) and writes
    /// `NAME_labels.tif` (a tiled, deflate BigTIFF of 32-bit labels, 0 = background, the pixel
    /// size as XResolution/YResolution per centimetre) and `NAME_nuclei.csv` (as `predict`'s,
    /// centroids in image coordinates), all or nothing. The mask, the label PNG, the overlay,
    /// the ROIs and the GeoJSON are not written: a 20,000 x 20,000 overlay PNG alone is 1.2 GB.
    /// - Throws: `ImagingError` naming the input (not a TIFF, damaged), `StreamingError`,
    ///   `CheckpointError.unwritable` naming an output.
    public static func predictStreaming(_ input: URL, stem: String? = nil, segmenter: Segmenter, outputDirectory: URL,
                                        options: PredictionOptions = .init(),
                                        progress: StreamingPrediction.Progress = { _, _, _ in }) throws -> PredictionResult {
        if let problem = options.streamingOptions.problem { throw problem }
        let reader = try TIFFRegionReader(url: input, channel: options.channel)
        let pixelSize = options.pixelSize ?? reader.pixelSize
        try OutputFolder.prepare(outputDirectory.path)
        let stem = stem ?? input.deletingPathExtension().lastPathComponent
        let labelsURL = outputDirectory.appendingPathComponent(stem + "_labels.tif")
        let csvURL = outputDirectory.appendingPathComponent(stem + "_nuclei.csv")
        var files = OutputSet()
        let outcome: StreamingPrediction.Outcome
        do {
            let temporary = files.reserve(labelsURL)
            let writer = try TiledTIFFWriter(url: temporary, width: reader.width, height: reader.height, bitDepth: 32,
                                             tileSize: StreamingOptions.labelTileSize, pixelSize: pixelSize)
            defer { writer.abort() }
            let streaming = StreamingPrediction(options: options.streamingOptions, instances: options.instances)
            outcome = try streaming.run(source: reader, segmenter: segmenter, path: input.path, emit: { top, rows, labels in
                try Self.writeTiles(labels, top: top, rows: rows, width: reader.width, to: writer)
            }, progress: progress)
            try writer.finish(description: "nucleiseg instance labels: \(outcome.measurements.count) nuclei, 0 = background")
            try files.add(Data(NucleusMeasurements.csv(outcome.measurements, pixelSize: pixelSize).utf8), to: csvURL)
        } catch {
            files.discard()
            throw error
        }
        return PredictionResult(input: input, width: reader.width, height: reader.height, nuclei: outcome.measurements.count,
                                files: try files.commit(), pixelSize: pixelSize, scale: 1)
    }

    /// Cuts `rows` full-width rows of labels into tiles of `writer.tileSize` (zero past the edges).
    static func writeTiles(_ labels: ArraySlice<UInt32>, top: Int, rows: Int, width: Int, to writer: TiledTIFFWriter) throws {
        let tile = writer.tileSize
        let base = labels.startIndex
        var values = [UInt32](repeating: 0, count: tile * tile)
        for left in stride(from: 0, to: width, by: tile) {
            let columns = min(tile, width - left)
            for index in values.indices { values[index] = 0 }
            for row in 0..<rows {
                let source = base + row * width + left
                values.replaceSubrange((row * tile)..<(row * tile + columns), with: labels[source..<(source + columns)])
            }
            try writer.writeTile(x: left, y: top, values: values)
        }
    }
}
