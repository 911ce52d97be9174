import Foundation

/// A tab-separated table that gives each image a value in some column, such as the `kind`
/// column of the DSB2018 `manifest.tsv` (`id<TAB>kind<TAB>...`). The first column names the
/// image: a dataset id, a file stem, or a "split/name" key.
public struct ImageManifest: Sendable, Equatable {
    public var column: String
    /// Value of `column` for each image name (first column).
    public var values: [String: String]

    public init(column: String, values: [String: String]) {
        self.column = column
        self.values = values
    }

    /// Reads `url` and keeps `column`.
    /// - Throws: `ManifestError` naming the file: unreadable, no header, no such column (the
    ///   columns found are listed), or a row with fewer fields than the header.
    public init(contentsOf url: URL, column: String) throws(ManifestError) {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .unreadable(path: url.path, reason: "cannot read it as UTF-8 text")
        }
        let lines = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false).map(String.init), header.count >= 2 else {
            throw .malformed(path: url.path, line: 1, expected: "a header line of tab-separated column names (id, then at least one more)")
        }
        guard let index = header.firstIndex(of: column), index > 0 else {
            throw .noSuchColumn(path: url.path, column: column, found: Array(header.dropFirst()))
        }
        var values: [String: String] = [:]
        for (number, line) in lines.enumerated().dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count > index else {
                throw .malformed(path: url.path, line: number + 1, expected: "\(header.count) tab-separated fields, found \(fields.count)")
            }
            values[fields[0]] = fields[index]
        }
        self.init(column: column, values: values)
    }

    /// The value for a sample: looked up by its key ("split/name"), then by its name.
    public func value(for sample: DatasetSample) -> String? { values[sample.key] ?? values[sample.name] }
}

/// A manifest file that cannot be used for grouping.
public enum ManifestError: Error, Equatable, Sendable, LocalizedError, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformed(path: String, line: Int, expected: String)
    case noSuchColumn(path: String, column: String, found: [String])

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): \(reason)"
        case let .malformed(path, line, expected): return "\(path), line \(line): expected \(expected)"
        case let .noSuchColumn(path, column, found):
            return "\(path): no column '\(column)'; expected one of: \(found.joined(separator: ", "))"
        }
    }

    public var errorDescription: String? { description }
}
