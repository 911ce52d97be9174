import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `nucleiseg benchmark huge`: streaming prediction of a generated `size` x `size` 16-bit image,
/// timed, with the process's peak resident memory.
///
/// The image is made from real nuclei: the gray images of a folder (of its most common size) laid
/// edge to edge, each cell of the grid a pseudo-random pick (a fixed hash of the cell, so a size
/// always gives the same image), 8-bit samples scaled by 257. It is written as a tiled BigTIFF
/// tile by tile, so generating it costs one tile of memory, and read back by tiles as `predict`
/// reads any TIFF.
public struct HugeImageBenchmark: Sendable {
    public struct Result: Codable, Sendable {
        public var width: Int
        public var height: Int
        public var megapixels: Double
        public var nuclei: Int
        public var blocks: Int
        public var blockSize: Int
        public var margin: Int
        /// Generating and writing the input image (not in `seconds`).
        public var generationSeconds: Double
        /// `predict` of the image: reading, network, instances, stitching, writing the outputs.
        public var seconds: Double
        public var megapixelsPerSecond: Double
        /// ru_maxrss of the whole process (model, generation and prediction).
        public var peakResidentMegabytes: Double
        public var labelFileMegabytes: Double
        public var precision: String
    }

    public var size: Int
    public var streaming = StreamingOptions()

    public init(size: Int) { self.size = size }

    /// Writes the generated image to `url`; returns the cell size and the number of source images.
    @discardableResult
    public static func generate(size: Int, from images: [URL], to url: URL) throws -> (cellWidth: Int, cellHeight: Int, sources: Int) {
        let decoded = try images.map { try ImageFile.read($0) }.compactMap(PredictionBenchmark.gray)
        var sizes: [String: Int] = [:]
        for image in decoded { sizes[image.sizeDescription, default: 0] += 1 }
        guard let common = sizes.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key })?.key else {
            throw PredictionError.noImages(path: images.first?.deletingLastPathComponent().path ?? "")
        }
        let cells = decoded.filter { $0.sizeDescription == common }
        let cellWidth = cells[0].width, cellHeight = cells[0].height
        let tile = 256
        let writer = try TiledTIFFWriter(url: url, width: size, height: size, bitDepth: 16, tileSize: tile)
        defer { writer.abort() }
        var values = [UInt32](repeating: 0, count: tile * tile)
        for top in stride(from: 0, to: size, by: tile) {
            for left in stride(from: 0, to: size, by: tile) {
                for row in 0..<tile {
                    let y = top + row
                    for column in 0..<tile {
                        let x = left + column
                        guard x < size, y < size else { values[row * tile + column] = 0; continue }
                        let cellX = x / cellWidth, cellY = y / cellHeight
                        let pick = Int((UInt64(cellX) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(cellY) &* 0xC2B2_AE3D_27D4_EB4F) >> 33) % cells.count
                        let cell = cells[pick]
                        let scale: UInt32 = cell.bitDepth == 8 ? 257 : 1
                        values[row * tile + column] = UInt32(cell.samples[(y % cellHeight) * cellWidth + x % cellWidth]) * scale
                    }
                }
                try writer.writeTile(x: left, y: top, values: values)
            }
        }
        try writer.finish(description: "nucleiseg benchmark huge: \(size)x\(size) from \(cells.count) real \(common) nuclei images")
        return (cellWidth, cellHeight, cells.count)
    }

    /// Generates the image in a temporary folder, predicts it by blocks, removes the folder.
    public func run(images: [URL], segmenter: Segmenter, progress: (String) -> Void = { _ in }) throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nucleiseg-huge-\(getpid())")
        try OutputFolder.prepare(folder.path)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("huge.tif")
        var start = ContinuousClock.now
        let made = try Self.generate(size: size, from: images, to: input)
        let generation = (ContinuousClock.now - start).seconds
        progress(String(format: "generated %dx%d from %d images of %dx%d in %.1f s", size, size, made.sources, made.cellWidth, made.cellHeight, generation))
        var options = PredictionOptions()
        options.streaming = .always
        options.streamingOptions = streaming
        start = ContinuousClock.now
        var blocks = 0
        let result = try PredictionWriter.predictStreaming(input, segmenter: segmenter, outputDirectory: folder.appendingPathComponent("out"),
                                                           options: options) { done, total, nuclei in
            blocks = total
            progress(String(format: "block %d/%d: %d nuclei, %.0f s", done, total, nuclei, (ContinuousClock.now - start).seconds))
        }
        let seconds = (ContinuousClock.now - start).seconds
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let labels = result.files.first { $0.lastPathComponent.hasSuffix("_labels.tif") }
        let labelBytes = (labels.flatMap { try? FileManager.default.attributesOfItem(atPath: $0.path)[.size] as? Int }) ?? 0
        let megapixels = Double(size * size) / 1e6
        return Result(width: size, height: size, megapixels: megapixels, nuclei: result.nuclei, blocks: blocks,
                      blockSize: streaming.blockSize, margin: streaming.margin, generationSeconds: generation, seconds: seconds,
                      megapixelsPerSecond: megapixels / seconds, peakResidentMegabytes: Double(usage.ru_maxrss) / 1024,
                      labelFileMegabytes: Double(labelBytes) / 1e6, precision: segmenter.precision.rawValue)
    }
}
