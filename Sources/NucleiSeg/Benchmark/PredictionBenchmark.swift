import Foundation
import _FileSystemMessages
#if canImport(Glibc)
import Glibc
#endif

/// `nucleiseg benchmark predict FOLDER`: the whole prediction pipeline (decode, normalise, tiles,
/// network, instances, measurements, writing) timed on real images, stage by stage.
public struct PredictionBenchmark: Sendable {
    /// One measured pass over the images.
    public struct Result: Codable, Sendable {
        public var images: Int
        public var megapixels: Double
        public var nuclei: Int
        /// Median over repetitions of the whole pass.
        public var seconds: Double
        public var imagesPerSecond: Double
        public var megapixelsPerSecond: Double
        /// Each stage's share of the median pass's time (0...1).
        public var stageShares: [String: Double]
        public var peakResidentMegabytes: Double
        public var precision: String
        public var testTimeAugmentation: Bool
    }

    public var repetitions = 3

    public init() {}

    /// The image files of `folder`: the images of a labelled dataset (any layout, every split),
    /// else the PNG and TIFF files directly inside it.
    public static func images(in folder: URL) throws -> [URL] {
        if let dataset = try? Dataset.scan(folder), !dataset.samples.isEmpty { return dataset.samples.map(\.imageFile) }
        return try PredictionWriter.imageFiles(in: folder)
    }

    /// Larger test images made from real ones: mosaic k puts images k, k+1, ..., k+side²-1 (mod
    /// count) of the most common size in a `side x side` grid, as 16-bit gray (8-bit samples
    /// scaled by 257; gray stored as RGB(A) counts as gray, colour images are left out), one
    /// mosaic per image, written as PNG into
    /// `folder`. The samples' 512x512 images give 1024x1024 mosaics with hundreds of nuclei.
    public static func mosaics(of images: [URL], side: Int, into folder: URL) throws -> [URL] {
        precondition(side >= 1, "mosaic side must be positive")
        let decoded = try images.map { try ImageFile.read($0) }.compactMap(Self.gray)
        var sizes: [String: Int] = [:]
        for image in decoded { sizes[image.sizeDescription, default: 0] += 1 }
        guard let common = sizes.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key })?.key else { return [] }
        let tiles = decoded.filter { $0.sizeDescription == common }
        let width = tiles[0].width, height = tiles[0].height
        try OutputFolder.prepare(folder.path)
        var files: [URL] = []
        for first in tiles.indices {
            var samples = [UInt16](repeating: 0, count: width * side * height * side)
            for cell in 0..<(side * side) {
                let tile = tiles[(first + cell) % tiles.count]
                let scale: UInt16 = tile.bitDepth == 8 ? 257 : 1
                let x0 = (cell % side) * width, y0 = (cell / side) * height
                for y in 0..<height {
                    for x in 0..<width { samples[(y0 + y) * width * side + x0 + x] = tile.samples[y * width + x] * scale }
                }
            }
            let mosaic = PixelImage(width: width * side, height: height * side, channels: 1, bitDepth: 16, samples: samples)
            let url = folder.appendingPathComponent(String(format: "mosaic%03d.png", first))
            try AtomicFile.write(Data(try PNGCodec.encode(mosaic, path: url.path)), to: url)
            files.append(url)
        }
        return files
    }

    /// The image's first channel when it is gray (one channel, gray + alpha, or RGB(A) with equal
    /// R, G and B), else nil.
    static func gray(_ image: PixelImage) -> PixelImage? {
        let c = image.channels, count = image.width * image.height
        if c >= 3 {
            for index in 0..<count where image.samples[index * c] != image.samples[index * c + 1] || image.samples[index * c] != image.samples[index * c + 2] {
                return nil
            }
        }
        guard c > 1 else { return image }
        return PixelImage(width: image.width, height: image.height, channels: 1, bitDepth: image.bitDepth,
                          samples: (0..<count).map { image.samples[$0 * c] })
    }

    /// Predicts every image `repetitions` times (after one warm-up image) into a temporary folder,
    /// removed afterwards; reports the median pass.
    public func run(images: [URL], segmenter: Segmenter, progress: (String) -> Void = { _ in }) throws -> Result {
        precondition(!images.isEmpty && repetitions >= 1, "PredictionBenchmark needs images and at least one repetition")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("nucleiseg-benchmark-\(getpid())")
        defer { try? FileManager.default.removeItem(at: output) }
        _ = try PredictionWriter.predict(images[0], stem: "warmup", segmenter: segmenter, outputDirectory: output)
        var passes: [(seconds: Double, timings: PredictionTimings, nuclei: Int)] = []
        var pixels = 0
        for repetition in 1...repetitions {
            let timings = PredictionTimings()
            var nuclei = 0
            pixels = 0
            let start = ContinuousClock.now
            for (index, image) in images.enumerated() {
                let result = try PredictionWriter.predict(image, stem: "image\(index)", segmenter: segmenter, outputDirectory: output, timings: timings)
                nuclei += result.nuclei
                pixels += result.width * result.height
            }
            let seconds = (ContinuousClock.now - start).seconds
            passes.append((seconds, timings, nuclei))
            progress(String(format: "pass %d of %d: %.2f s", repetition, repetitions, seconds))
        }
        let median = passes.sorted { $0.seconds < $1.seconds }[passes.count / 2]
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let total = max(median.timings.total, 1e-12)
        var shares: [String: Double] = [:]
        for stage in PredictionTimings.Stage.allCases { shares[stage.rawValue] = (median.timings.seconds[stage] ?? 0) / total }
        let megapixels = Double(pixels) / 1e6
        return Result(images: images.count, megapixels: megapixels, nuclei: median.nuclei, seconds: median.seconds,
                      imagesPerSecond: Double(images.count) / median.seconds, megapixelsPerSecond: megapixels / median.seconds,
                      stageShares: shares, peakResidentMegabytes: Double(usage.ru_maxrss) / 1024,
                      precision: segmenter.precision.rawValue, testTimeAugmentation: segmenter.testTimeAugmentation)
    }
}
