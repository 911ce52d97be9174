import Foundation

/// How a sample's mask files encode nuclei.
public enum MaskKind: String, Codable, Sendable {
    /// One label image, 0 = background, each other value one nucleus (`labels`).
    case instanceLabels
    /// One binary mask (any non-zero = nucleus); instances are its 8-connected components (`pairs`).
    case binary
    /// One binary mask per nucleus, merged into labels 1...n in file-name order (`dsb2018`).
    case perNucleusMasks
}

/// One image and its mask file(s), as listed by a dataset reader (nothing decoded yet).
public struct DatasetSample: Sendable, Hashable {
    /// "train", "val", "test" or another folder name; nil when the layout has no splits.
    public var split: String?
    /// The file name without extension (`dsb2018`: the sample id).
    public var name: String
    public var imageFile: URL
    public var maskFiles: [URL]
    public var maskKind: MaskKind

    public init(split: String?, name: String, imageFile: URL, maskFiles: [URL], maskKind: MaskKind) {
        self.split = split
        self.name = name
        self.imageFile = imageFile
        self.maskFiles = maskFiles
        self.maskKind = maskKind
    }

    /// "split/name" (or "name"): unique within a dataset, the key for splits and reports.
    public var key: String { split.map { "\($0)/\(name)" } ?? name }

    /// Decodes the image and its mask(s) into instance labels of the image's size.
    /// - Parameter channel: plane choice for multi-plane TIFF images (see `ImageFile.read`).
    /// - Throws: `ImagingError` naming the file: decoding errors, `.maskSizeMismatch`,
    ///   `.unsupportedMask`, `.missingMask` when the sample has no mask file.
    public func load(channel: Int? = nil) throws(ImagingError) -> LoadedSample {
        let image = try ImageFile.read(imageFile, channel: channel)
        guard !maskFiles.isEmpty else { throw .missingMask(image: imageFile.path, expected: "at least one mask file") }
        var masks: [LabelImage] = []
        for file in maskFiles {
            let mask = try LabelImage(mask: ImageFile.read(file), path: file.path)
            if mask.width != image.width || mask.height != image.height {
                throw .maskSizeMismatch(image: imageFile.path, mask: file.path,
                                        imageSize: image.sizeDescription, maskSize: mask.sizeDescription)
            }
            masks.append(mask)
        }
        switch maskKind {
        case .instanceLabels:
            return LoadedSample(sample: self, image: image, labels: masks[0], overlappingMaskPixels: 0)
        case .binary:
            return LoadedSample(sample: self, image: image, labels: ConnectedComponents.label(masks[0].foregroundMask, width: masks[0].width, height: masks[0].height), overlappingMaskPixels: 0)
        case .perNucleusMasks:
            let merged = LabelImage.merging(binaryMasks: masks)
            return LoadedSample(sample: self, image: image, labels: merged.labels, overlappingMaskPixels: merged.overlappingPixels)
        }
    }
}

/// A decoded sample at native resolution.
public struct LoadedSample: Sendable {
    public var sample: DatasetSample
    public var image: PixelImage
    /// Instance labels, same size as `image`.
    public var labels: LabelImage
    /// `dsb2018` only: pixels claimed by more than one nucleus mask (the later mask wins).
    public var overlappingMaskPixels: Int
}

/// A problem found in a dataset, with whether it stops training.
public struct DatasetProblem: Sendable, Equatable, CustomStringConvertible {
    public var error: ImagingError
    /// True when training cannot use the dataset as it is (`data inspect` then exits non-zero).
    public var stopsTraining: Bool

    public init(_ error: ImagingError, stopsTraining: Bool = true) {
        self.error = error
        self.stopsTraining = stopsTraining
    }

    public var description: String { (stopsTraining ? "error: " : "warning: ") + error.description }
}

/// A dataset folder: its layout, its samples sorted by split then name, and the problems
/// found while listing it (files are not decoded here; `DatasetInspector` does that).
public struct Dataset: Sendable {
    public var root: URL
    public var layout: DatasetLayout
    /// Whether `layout` was detected (true) or forced.
    public var layoutDetected: Bool
    public var samples: [DatasetSample]
    public var problems: [DatasetProblem]

    /// Lists a dataset folder without decoding anything.
    /// - Parameter layout: nil to detect it.
    /// - Throws: `ImagingError` for a folder that cannot be a dataset at all (missing, empty,
    ///   unknown layout, no images and no problem). Per-file problems are collected in
    ///   `problems`; `samples` may then be empty.
    public static func scan(_ root: URL, layout: DatasetLayout? = nil) throws(ImagingError) -> Dataset {
        let chosen: DatasetLayout
        if let layout { chosen = layout } else { chosen = try DatasetLayout.detect(at: root) }
        var result: (samples: [DatasetSample], problems: [DatasetProblem])
        switch chosen {
        case .dsb2018: result = try DSB2018Dataset.scan(root)
        case .pairs: result = try PairsDataset.scan(root)
        case .labels: result = try LabelsDataset.scan(root)
        }
        // No sample and nothing to explain why: an empty dataset. With problems, the caller
        // (inspection) reports them all; `open` throws the first.
        if result.samples.isEmpty && !result.problems.contains(where: \.stopsTraining) {
            throw .emptyDataset(path: root.path)
        }
        let order = splitOrder
        result.samples.sort {
            let left = order($0.split), right = order($1.split)
            return left != right ? left < right : ($0.split ?? "", $0.name) < ($1.split ?? "", $1.name)
        }
        return Dataset(root: root, layout: chosen, layoutDetected: layout == nil,
                       samples: result.samples, problems: result.problems)
    }

    /// Lists a dataset and throws the first problem that would stop training.
    public static func open(_ root: URL, layout: DatasetLayout? = nil) throws(ImagingError) -> Dataset {
        let dataset = try scan(root, layout: layout)
        if let problem = dataset.problems.first(where: \.stopsTraining) { throw problem.error }
        return dataset
    }

    /// Split names in order: train, val, test, then others alphabetically; nil (no splits) first.
    public var splits: [String?] {
        var seen: [String?] = []
        for sample in samples where !seen.contains(sample.split) { seen.append(sample.split) }
        return seen
    }

    /// The samples of one split (nil: the samples of a layout without splits).
    public func samples(inSplit split: String?) -> [DatasetSample] { samples.filter { $0.split == split } }

    static func splitOrder(_ split: String?) -> Int {
        switch split {
        case nil: return 0
        case "train": return 1
        case "val", "validation": return 2
        case "test": return 3
        default: return 4
        }
    }
}
