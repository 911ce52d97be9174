import Foundation

extension InstanceExtractionOptions {
    /// What `predict`, `evaluate` and `train` use: specks under 8 px dropped, holes inside a
    /// predicted nucleus filled (nuclei have none; textured chromatin leaves some), touching
    /// nuclei split.
    public static let nuclei = InstanceExtractionOptions(minimumArea: 8, fillHoles: true)
}

/// The label files `predict` can write for an image (the CSV and the overlay are always written,
/// the overlay unless turned off).
public enum PredictionFormat: String, CaseIterable, Sendable {
    /// `NAME_mask.png` and `NAME_labels.png` (16-bit).
    case png
    /// `NAME_labels.tif`: 16-bit (32-bit above 65535 nuclei) with ImageJ tags and the pixel size.
    case tiff
    /// `NAME_rois.zip`: one ImageJ polygon ROI per nucleus, for Fiji's ROI Manager.
    case rois
    /// `NAME_nuclei.geojson`: the outlines with their measurements, for QuPath and GIS tools.
    case geojson

    /// Parses "png,tiff" or "all"; nil (with the bad word) when a word is not a format.
    public static func parseList(_ text: String) -> (formats: Set<PredictionFormat>?, unknown: String?) {
        var formats = Set<PredictionFormat>()
        for word in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !word.isEmpty {
            if word == "all" {
                formats.formUnion(allCases)
            } else if let format = PredictionFormat(rawValue: word == "tif" ? "tiff" : word) {
                formats.insert(format)
            } else {
                return (nil, word)
            }
        }
        return formats.isEmpty ? (nil, text) : (formats, nil)
    }
}

/// Options of `nucleiseg predict`.
public struct PredictionOptions: Sendable {
    public var instances = InstanceExtractionOptions.nuclei
    public var channel: Int?
    public var writeOverlay = true
    /// Which label files to write (default: the PNGs).
    public var formats: Set<PredictionFormat> = [.png]
    /// The pixel size to report measurements in; nil: the one a TIFF input declares, if any.
    public var pixelSize: PixelSize?
    /// When an image is predicted by blocks in bounded memory (see `predictStreaming`).
    public var streaming: StreamingChoice = .automatic
    /// Block size and margin of streamed images.
    public var streamingOptions = StreamingOptions()
    public init() {}
}

/// What `predict` wrote for one image.
public struct PredictionResult: Sendable {
    public var input: URL
    /// The image's size in pixels (the outputs have it too).
    public var width: Int
    public var height: Int
    public var nuclei: Int
    public var files: [URL]
    /// The pixel size the measurements use (given, or read from the input), if any.
    public var pixelSize: PixelSize?
    /// The factor the image was scaled by before the network (1 unless `--diameter` asked for it).
    public var scale: Double = 1
}

/// Predicts one image and writes, next to each other in the output folder:
/// - `NAME_mask.png`: 8-bit binary mask (255 = nucleus),
/// - `NAME_labels.png`: 16-bit instance labels (0 = background; opens in Fiji and napari),
/// - `NAME_overlay.png`: the image with each nucleus outlined,
/// - `NAME_nuclei.csv`: one row per nucleus (label, area, centroid, bounding box, mean intensity;
///   with a pixel size also area in µm² and centroid in µm),
/// and, as `options.formats` asks, `NAME_labels.tif`, `NAME_rois.zip` and `NAME_nuclei.geojson`
/// (see `PredictionFormat`); without `.png` the mask and label PNGs are left out.
/// The set is written all or nothing (`OutputSet`): a failure never leaves some of an image's
/// files, nor a half-written one. `stem` (default: the file name without its extension) is
/// chosen by `PredictionInputs` so that inputs with the same name do not overwrite each other.
public enum PredictionWriter {
    /// - Parameter timings: when given, the seconds of each stage are added to it.
    public static func predict(_ input: URL, stem: String? = nil, segmenter: Segmenter, outputDirectory: URL,
                               options: PredictionOptions = .init(), timings: PredictionTimings? = nil) throws -> PredictionResult {
        var clock = ContinuousClock.now
        func lap(_ stage: PredictionTimings.Stage) {
            guard let timings else { return }
            let now = ContinuousClock.now
            timings.add(stage, seconds: (now - clock).seconds)
            clock = now
        }
        if try streams(input, options: options) {
            return try predictStreaming(input, stem: stem, segmenter: segmenter, outputDirectory: outputDirectory, options: options)
        }
        let image = try ImageFile.read(input, channel: options.channel)
        lap(.decode)
        let (maps, scale) = segmenter.scaledMaps(of: image)
        lap(.network)
        let labels = InstanceExtraction.extract(maps: maps, options: options.instances)
        lap(.instances)
        let count = Int(labels.maximumLabel)
        let formats = options.formats
        if formats.contains(.png) && count > 65535 {
            throw PredictionError.tooManyNuclei(path: input.path, count: count)
        }
        let pixelSize = try options.pixelSize ?? ImageFile.pixelSize(of: input, channel: options.channel)
        try OutputFolder.prepare(outputDirectory.path)
        let stem = stem ?? input.deletingPathExtension().lastPathComponent
        func output(_ suffix: String) -> URL { outputDirectory.appendingPathComponent(stem + suffix) }
        var files = OutputSet()
        do {
            if formats.contains(.png) {
                let mask = PixelImage(width: image.width, height: image.height, channels: 1, bitDepth: 8,
                                      samples: labels.labels.map { $0 > 0 ? 255 : 0 })
                try write(try PNGCodec.encode(mask, path: output("_mask.png").path), to: output("_mask.png"), files: &files)
                try write(try PNGCodec.encode(labels.pixelImage16(), path: output("_labels.png").path), to: output("_labels.png"), files: &files)
            }
            if formats.contains(.tiff) {
                let url = output("_labels.tif")
                try write(try TIFFCodec.encodeLabels(labels, pixelSize: pixelSize, path: url.path), to: url, files: &files)
            }
            let intensity = Self.intensity(image)
            let measurements = NucleusMeasurements.measure(labels, intensity: intensity)
            try write(Array(NucleusMeasurements.csv(measurements, pixelSize: pixelSize).utf8), to: output("_nuclei.csv"), files: &files)
            if formats.contains(.rois) || formats.contains(.geojson) {
                let outlines = LabelOutlines.trace(labels)
                if formats.contains(.rois) {
                    let url = output("_rois.zip")
                    do {
                        try write(try ImageJRoi.zip(outlines), to: url, files: &files)
                    } catch let failure as ImageJRoi.Failure {
                        throw PredictionError.unwritableFormat(path: url.path, reason: failure.description)
                    }
                }
                if formats.contains(.geojson) {
                    let text = NucleusGeoJSON.featureCollection(outlines, measurements: measurements, pixelSize: pixelSize)
                    try write(Array(text.utf8), to: output("_nuclei.geojson"), files: &files)
                }
            }
            if options.writeOverlay {
                let display = DisplayImage.make(image, normalization: segmenter.normalization).stretchedForDisplay()
                var canvas = RGBCanvas(width: image.width, height: image.height)
                canvas.drawImage(display, in: canvas.bounds)
                canvas.drawOutlines(labels, in: canvas.bounds,
                                    color: RGBColor(hex: 0xFFE000), seed: 0, thickness: max(1, min(image.width, image.height) / 700))
                try write(try DisplayImage.png(canvas), to: output("_overlay.png"), files: &files)
            }
        } catch {
            files.discard()
            throw error
        }
        let result = PredictionResult(input: input, width: image.width, height: image.height, nuclei: count, files: try files.commit(),
                                      pixelSize: pixelSize, scale: scale)
        lap(.outputs)
        return result
    }

    /// The first colour channel as raw intensities (for per-nucleus mean intensity).
    static func intensity(_ image: PixelImage) -> [Float] {
        (0..<(image.width * image.height)).map { Float(image.samples[$0 * image.channels]) }
    }

    private static func write(_ bytes: [UInt8], to url: URL, files: inout OutputSet) throws {
        try files.add(Data(bytes), to: url)
    }

    /// Image files directly inside `folder` (PNG and TIFF), sorted by name.
    public static func imageFiles(in folder: URL) throws -> [URL] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        return names.filter { ImageFile.imageExtensions.contains(($0 as NSString).pathExtension.lowercased()) && !$0.hasPrefix(".") }
            .sorted().map { folder.appendingPathComponent($0) }
    }
}

public enum PredictionError: Error, LocalizedError, CustomStringConvertible {
    case tooManyNuclei(path: String, count: Int)
    case noImages(path: String)
    case unreadableInput(path: String, reason: String)
    case unwritableFormat(path: String, reason: String)

    public var description: String {
        switch self {
        case let .tooManyNuclei(path, count): return "\(path): \(count) nuclei do not fit a 16-bit label PNG (at most 65535); use --format tiff (32-bit labels) without png"
        case let .noImages(path): return "\(path): no PNG or TIFF images found in this folder"
        case let .unreadableInput(path, reason): return "\(path): cannot be read: \(reason); expected an image file or a folder of images"
        case let .unwritableFormat(path, reason): return "\(path): not written: \(reason)"
        }
    }
    public var errorDescription: String? { description }
}
