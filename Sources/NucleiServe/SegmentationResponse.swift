import Foundation

/// The JSON answer to `POST /api/segment` (and `GET /api/results/ID`).
public struct SegmentationResponse: Codable, Sendable, Equatable {
    /// The result's id, for the file URLs.
    public var id: String
    /// The upload's file name, as the server stored it (folders and odd characters removed).
    public var name: String
    public var width: Int
    public var height: Int
    /// Nuclei found: the largest label of the labels image.
    public var count: Int
    /// Seconds from the end of the upload to the answer (waiting for the model included).
    public var seconds: Double
    public var settings: SegmentationSettings
    /// The CSV's header and its rows as numbers (an empty field is null): one row per nucleus.
    public var columns: [String]
    public var rows: [[Double?]]
    /// URL path of each output, by kind: overlay, labels, mask, csv, zip.
    public var files: [String: String]
    /// The file name each output is downloaded as, by kind.
    public var fileNames: [String: String]
}

/// The outputs `PredictionWriter` writes for an image, by kind.
enum OutputKind: String, CaseIterable, Sendable {
    case overlay, labels, mask, csv, tiff, rois, geojson

    /// The suffix after the image's stem (`PredictionWriter`'s names).
    var suffix: String {
        switch self {
        case .overlay: return "_overlay.png"
        case .labels: return "_labels.png"
        case .mask: return "_mask.png"
        case .csv: return "_nuclei.csv"
        case .tiff: return "_labels.tif"
        case .rois: return "_rois.zip"
        case .geojson: return "_nuclei.geojson"
        }
    }

    var contentType: String {
        switch self {
        case .csv: return "text/csv; charset=utf-8"
        case .tiff: return "image/tiff"
        case .rois: return "application/zip"
        case .geojson: return "application/geo+json"
        case .overlay, .labels, .mask: return "image/png"
        }
    }

    /// The last part of its URL.
    var pathComponent: String {
        switch self {
        case .csv: return "nuclei.csv"
        case .tiff: return "labels.tif"
        case .rois: return "rois.zip"
        case .geojson: return "nuclei.geojson"
        case .overlay, .labels, .mask: return "\(rawValue).png"
        }
    }

    init?(pathComponent: String) {
        guard let kind = Self.allCases.first(where: { $0.pathComponent == pathComponent }) else { return nil }
        self = kind
    }
}

public enum MeasurementTable {
    /// Splits the CSV `NucleusMeasurements.csv` writes (no quoting: every field is a number).
    public static func parse(_ text: String) -> (columns: [String], rows: [[Double?]]) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard !lines.isEmpty else { return ([], []) }
        let columns = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let rows = lines.map { line in
            line.split(separator: ",", omittingEmptySubsequences: false).map { Double($0) }
        }
        return (columns, rows)
    }
}
