import Foundation
import _FileSystemMessages

/// What can be wrong with the runs `nucleiseg merge` is given; every message names the path.
public enum MergeError: Error, Equatable, LocalizedError, CustomStringConvertible {
    case notARun(path: String, reason: String)
    case noMeasurements(path: String)
    case duplicateImage(image: String, first: String, second: String)
    case notMeasurements(path: String, reason: String)

    public var description: String {
        switch self {
        case let .notARun(path, reason): return "\(path): \(reason); expected a folder that `nucleiseg predict` wrote into"
        case let .noMeasurements(path): return "\(path): no NAME_nuclei.csv files in this folder; expected the output folder of `nucleiseg predict`"
        case let .duplicateImage(image, first, second): return "image '\(image)' has measurements in two runs: \(first) and \(second); give each image's run once"
        case let .notMeasurements(path, reason): return "\(path): \(reason); expected a nucleiseg measurements CSV (header starting with label,area)"
        }
    }
    public var errorDescription: String? { description }
}

/// Joins the per-image measurement CSVs (`NAME_nuclei.csv`) of one or more `predict` runs (the
/// shards of a job array) into one CSV with an `image` column first, and counts them.
///
/// Images are ordered by name, each image's nuclei in its file's order. The columns are the
/// union of the files' columns in order of first appearance (a run with a pixel size adds the
/// µm columns); a file without a column leaves its field empty. An image name with a comma or
/// a quote is quoted as RFC 4180 says.
public enum MeasurementMerge {
    public static let csvName = "nuclei.csv"
    public static let summaryName = "summary.json"

    public struct RunSummary: Codable, Equatable, Sendable {
        public var path: String
        public var images: Int
        public var nuclei: Int

        public init(path: String, images: Int, nuclei: Int) {
            self.path = path
            self.images = images
            self.nuclei = nuclei
        }
    }

    public struct Summary: Codable, Equatable, Sendable {
        public var images: Int
        public var nuclei: Int
        /// Images in which no nucleus was found (a row-less CSV).
        public var imagesWithoutNuclei: Int
        public var runs: [RunSummary]

        public init(images: Int, nuclei: Int, imagesWithoutNuclei: Int, runs: [RunSummary]) {
            self.images = images
            self.nuclei = nuclei
            self.imagesWithoutNuclei = imagesWithoutNuclei
            self.runs = runs
        }

        enum CodingKeys: String, CodingKey {
            case images, nuclei, runs
            case imagesWithoutNuclei = "images_without_nuclei"
        }

        public func jsonData() throws -> Data {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            return try encoder.encode(self) + Data("\n".utf8)
        }
    }

    /// The measurement files of `run`: image name (the file name without `_nuclei.csv`) and URL,
    /// sorted by name; hidden files (an unfinished `OutputSet`'s temporaries) are left out.
    public static func measurementFiles(in run: URL) throws -> [(image: String, file: URL)] {
        switch FileProbe.kind(of: run.path) {
        case .folder: break
        case .file: throw MergeError.notARun(path: run.path, reason: "is a file")
        case let other: throw MergeError.notARun(path: run.path, reason: other.missingReason ?? "cannot be opened")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: run.path)
        } catch {
            throw MergeError.notARun(path: run.path, reason: FileSystemMessage.reason(error))
        }
        let suffix = "_nuclei.csv"
        return names.filter { $0.hasSuffix(suffix) && $0.count > suffix.count && !$0.hasPrefix(".") }.sorted()
            .map { (String($0.dropLast(suffix.count)), run.appendingPathComponent($0)) }
    }

    /// The merged CSV text and its summary.
    /// - Throws: `MergeError`: a run that is not a folder or has no measurements, an image in two
    ///   runs, a file that is not a measurements CSV (or has a row with the wrong field count).
    public static func merge(runs: [URL]) throws -> (csv: String, summary: Summary) {
        var tables: [(image: String, file: URL, header: [String], rows: [[Substring]])] = []
        var seen: [String: URL] = [:]
        var runSummaries: [RunSummary] = []
        for run in runs {
            let files = try measurementFiles(in: run)
            guard !files.isEmpty else { throw MergeError.noMeasurements(path: run.path) }
            var nuclei = 0
            for (image, file) in files {
                if let first = seen[image] { throw MergeError.duplicateImage(image: image, first: first.path, second: file.path) }
                seen[image] = file
                let (header, rows) = try read(file)
                nuclei += rows.count
                tables.append((image, file, header, rows))
            }
            runSummaries.append(RunSummary(path: run.path, images: files.count, nuclei: nuclei))
        }
        tables.sort { $0.image < $1.image }
        var columns: [String] = []
        for table in tables { for name in table.header where !columns.contains(name) { columns.append(name) } }
        var text = (["image"] + columns).joined(separator: ",") + "\n"
        for table in tables {
            let position = Dictionary(uniqueKeysWithValues: table.header.enumerated().map { ($1, $0) })
            let image = quoted(table.image)
            for row in table.rows {
                text += image
                for name in columns {
                    text += ","
                    if let at = position[name] { text += row[at] }
                }
                text += "\n"
            }
        }
        let summary = Summary(images: tables.count, nuclei: tables.reduce(0) { $0 + $1.rows.count },
                              imagesWithoutNuclei: tables.filter(\.rows.isEmpty).count, runs: runSummaries)
        return (text, summary)
    }

    /// Merges `runs` and writes `nuclei.csv` and `summary.json` into `folder`, both or neither.
    @discardableResult
    public static func write(runs: [URL], to folder: URL) throws -> Summary {
        let (csv, summary) = try merge(runs: runs)
        try OutputFolder.prepare(folder.path)
        var files = OutputSet()
        try files.add(Data(csv.utf8), to: folder.appendingPathComponent(csvName))
        try files.add(try summary.jsonData(), to: folder.appendingPathComponent(summaryName))
        _ = try files.commit()
        return summary
    }

    static func read(_ file: URL) throws -> (header: [String], rows: [[Substring]]) {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw MergeError.notMeasurements(path: file.path, reason: "cannot be read: " + FileSystemMessage.reason(error))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw MergeError.notMeasurements(path: file.path, reason: "is not UTF-8 text")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard let first = lines.first else { throw MergeError.notMeasurements(path: file.path, reason: "is empty") }
        let header = first.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard header.starts(with: ["label", "area"]), Set(header).count == header.count else {
            throw MergeError.notMeasurements(path: file.path, reason: "header '\(first.prefix(80))' is not a measurements header")
        }
        var rows: [[Substring]] = []
        for (number, line) in lines.dropFirst().enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == header.count else {
                throw MergeError.notMeasurements(path: file.path, reason: "line \(number + 2) has \(fields.count) fields, the header \(header.count)")
            }
            rows.append(fields)
        }
        return (header, rows)
    }

    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
