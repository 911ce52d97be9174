import Foundation

/// What `nucleiseg data inspect` reports about a dataset folder.
public struct DatasetReport: Sendable, CustomStringConvertible {
    public struct SplitSummary: Sendable, Equatable {
        /// nil for a layout without splits.
        public var name: String?
        public var images: Int
        public var nuclei: Int
    }

    public var root: String
    public var layout: DatasetLayout
    public var layoutDetected: Bool
    public var splits: [SplitSummary]
    /// Every image file found, with or without a mask.
    public var imageCount: Int
    /// Images without a mask (each is also listed in `problems`).
    public var imagesWithoutMask = 0
    public var maskFileCount: Int
    /// "WIDTHxHEIGHT" -> number of images.
    public var sizes: [String: Int]
    /// "gray 16-bit" etc. -> number of images.
    public var formats: [String: Int]
    /// Bit depth -> number of images.
    public var bitDepths: [Int: Int]
    /// Nuclei of each image that decoded, in dataset order.
    public var nucleiPerImage: [Int]
    public var problems: [DatasetProblem]
    /// Pixels of each contour-head class (background, interior, boundary) over every readable mask:
    /// what the class weights of `train --head contour` balance.
    public var contourClassPixels = [0, 0, 0]
    /// Equivalent diameters (2 sqrt(area / pi), pixels) of every nucleus.
    public var nucleusDiameters: [Double] = []

    /// Median of `nucleusDiameters`.
    public var medianNucleusDiameter: Double? { LabelImage.median(nucleusDiameters) }

    public var nucleiCount: Int { nucleiPerImage.reduce(0, +) }

    /// True when a problem would stop training (the command then exits non-zero).
    public var hasBlockingProblems: Bool { problems.contains { $0.stopsTraining } }

    /// Median of `nucleiPerImage` (mean of the two middle values for an even count).
    public var medianNuclei: Double? {
        guard !nucleiPerImage.isEmpty else { return nil }
        let sorted = nucleiPerImage.sorted(), middle = sorted.count / 2
        return sorted.count % 2 == 1 ? Double(sorted[middle]) : Double(sorted[middle - 1] + sorted[middle]) / 2
    }

    public var description: String {
        func counted(_ table: [String: Int]) -> String {
            if table.isEmpty { return "-" }
            return table.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
        }
        func splitList(_ value: (SplitSummary) -> Int) -> String {
            splits.isEmpty || (splits.count == 1 && splits[0].name == nil) ? "" : ": " + splits.map { "\($0.name ?? "-") \(value($0))" }.joined(separator: ", ")
        }
        var lines = [
            "dataset   \(root)",
            "layout    \(layout) (\(layoutDetected ? "detected" : "forced"))",
            "images    \(imageCount)\(imagesWithoutMask > 0 ? " (\(imagesWithoutMask) without a mask, listed under problems)" : "")\(splitList(\.images))",
            "masks     \(maskFileCount) files",
        ]
        var nuclei = "nuclei    \(nucleiCount)\(splitList(\.nuclei))"
        if let median = medianNuclei, let low = nucleiPerImage.min(), let high = nucleiPerImage.max() {
            let medianText = median == median.rounded() ? String(Int(median)) : String(median)
            nuclei += "; per image min \(low), median \(medianText), max \(high)"
        }
        if nucleiPerImage.count < imageCount - imagesWithoutMask {
            nuclei += " (only \(nucleiPerImage.count) of \(imageCount - imagesWithoutMask) images with a mask could be read)"
        }
        lines.append(nuclei)
        if let diameter = medianNucleusDiameter {
            lines.append(String(format: "diameter  median %.1f px (equivalent diameter of each nucleus)", diameter))
        }
        let classPixels = contourClassPixels.reduce(0, +)
        if classPixels > 0 {
            let shares = zip(SegmentationHead.contour.classNames, contourClassPixels).map { name, count in
                String(format: "%@ %.1f%%", name, 100 * Double(count) / Double(classPixels))
            }
            lines.append("classes   contour head: " + shares.joined(separator: ", "))
        }
        lines.append("sizes     \(counted(sizes)) [width x height]")
        lines.append("formats   \(counted(formats))")
        let bits = bitDepths.sorted { $0.key < $1.key }.map { "\($0.key)-bit (\($0.value))" }.joined(separator: ", ")
        lines.append("bit depth \(bits.isEmpty ? "-" : bits)")
        if problems.isEmpty {
            lines.append("problems  none")
        } else {
            let errors = problems.filter(\.stopsTraining).count
            lines.append("problems  \(problems.count) (\(errors) would stop training)")
            lines += problems.map { "  \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}

/// Inspects a dataset folder: lists it, decodes every image and mask, and collects every
/// problem (one per file) instead of stopping at the first.
public enum DatasetInspector {
    /// - Parameters:
    ///   - root: the dataset folder.
    ///   - layout: nil to detect it.
    ///   - channel: plane choice for multi-plane TIFF images.
    ///   - progress: called with (done, total) after each sample.
    /// - Throws: `ImagingError` only when the folder cannot be a dataset at all (missing,
    ///   empty, unknown layout); everything else is in the report's `problems`.
    public static func inspect(_ root: URL, layout: DatasetLayout? = nil, channel: Int? = nil,
                               progress: ((Int, Int) -> Void)? = nil) throws(ImagingError) -> DatasetReport {
        let dataset = try Dataset.scan(root, layout: layout)
        var report = DatasetReport(root: root.path, layout: dataset.layout, layoutDetected: dataset.layoutDetected,
                                   splits: [], imageCount: dataset.samples.count,
                                   maskFileCount: dataset.samples.reduce(0) { $0 + $1.maskFiles.count },
                                   sizes: [:], formats: [:], bitDepths: [:], nucleiPerImage: [], problems: dataset.problems)
        report.imagesWithoutMask = dataset.problems.filter { problem in
            if case .missingMask = problem.error { return true } else { return false }
        }.count
        report.imageCount += report.imagesWithoutMask
        for split in dataset.splits {
            report.splits.append(.init(name: split, images: dataset.samples(inSplit: split).count, nuclei: 0))
        }
        for (index, sample) in dataset.samples.enumerated() {
            defer { progress?(index + 1, dataset.samples.count) }
            let loaded: LoadedSample
            do {
                loaded = try sample.load(channel: channel)
            } catch {
                report.problems.append(DatasetProblem(error))
                continue
            }
            let nuclei = loaded.labels.instanceCount
            for (index, count) in SegmentationHead.contour.classCounts(of: loaded.labels).enumerated() { report.contourClassPixels[index] += count }
            report.nucleusDiameters += loaded.labels.equivalentDiameters
            report.nucleiPerImage.append(nuclei)
            if let position = report.splits.firstIndex(where: { $0.name == sample.split }) {
                report.splits[position].nuclei += nuclei
            }
            report.sizes[loaded.image.sizeDescription, default: 0] += 1
            let format = loaded.image.formatDescription.split(separator: " ").dropFirst().joined(separator: " ")
            report.formats[format, default: 0] += 1
            report.bitDepths[loaded.image.bitDepth, default: 0] += 1
            if nuclei == 0 {
                report.problems.append(DatasetProblem(.emptyMask(path: sample.maskFiles[0].path), stopsTraining: false))
            }
            if loaded.overlappingMaskPixels > 0 {
                report.problems.append(DatasetProblem(.overlappingMasks(path: sample.maskFiles[0].deletingLastPathComponent().path,
                                                                        pixels: loaded.overlappingMaskPixels), stopsTraining: false))
            }
        }
        return report
    }
}
