import Foundation  // String(format:)

/// The nuclei as a GeoJSON FeatureCollection (RFC 7946) that QuPath imports as detections
/// (File > Import objects from file, or drag the file onto the image) and GIS tools and shapely
/// read as polygons.
///
/// Coordinates are pixel-corner coordinates of the image (x right, y down; QuPath's image
/// space), so a nucleus's polygon area equals its pixel count. One Feature per nucleus: a
/// Polygon (exterior and holes) or, for a nucleus of several 4-connected pieces, a MultiPolygon.
/// Properties: `objectType: "detection"`, `name` (the label), `label`, and `measurements`
/// (pixels; with a pixel size also µm and µm²), the per-nucleus numbers of the CSV.
public enum NucleusGeoJSON {
    public static func featureCollection(_ outlines: [NucleusOutline], measurements: [NucleusMeasurement],
                                         pixelSize: PixelSize? = nil) -> String {
        var byLabel: [Int32: NucleusMeasurement] = [:]
        for nucleus in measurements { byLabel[nucleus.label] = nucleus }
        var features: [String] = []
        features.reserveCapacity(outlines.count)
        for outline in outlines where !outline.polygons.isEmpty {
            let rings = outline.polygons.map { polygon in
                "[" + ([closed(polygon.exterior)] + polygon.holes.map(closed)).joined(separator: ",") + "]"
            }
            let geometry = rings.count == 1
                ? "{\"type\":\"Polygon\",\"coordinates\":\(rings[0])}"
                : "{\"type\":\"MultiPolygon\",\"coordinates\":[\(rings.joined(separator: ","))]}"
            var values: [(String, String)] = []
            if let nucleus = byLabel[outline.label] {
                values = measurementValues(nucleus, pixelSize: pixelSize)
            }
            let measurementsJSON = "{" + values.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
            features.append(
                "{\"type\":\"Feature\",\"id\":\"nucleus-\(outline.label)\",\"geometry\":\(geometry),"
                    + "\"properties\":{\"objectType\":\"detection\",\"name\":\"\(outline.label)\",\"label\":\(outline.label),"
                    + "\"measurements\":\(measurementsJSON)}}")
        }
        return "{\"type\":\"FeatureCollection\",\"features\":[\n" + features.joined(separator: ",\n") + "\n]}\n"
    }

    /// The measurement names and JSON numbers of one nucleus.
    static func measurementValues(_ nucleus: NucleusMeasurement, pixelSize: PixelSize?) -> [(String, String)] {
        var values: [(String, String)] = [
            ("Area px^2", String(nucleus.area)),
            ("Centroid X px", String(format: "%.3f", nucleus.centroidX + 0.5)),
            ("Centroid Y px", String(format: "%.3f", nucleus.centroidY + 0.5)),
            ("Perimeter px", String(nucleus.perimeter)),
        ]
        if let mean = nucleus.meanIntensity { values.append(("Mean intensity", String(format: "%.4f", mean))) }
        if let pixelSize {
            let s = pixelSize.micrometres
            values += [
                ("Area µm^2", String(format: "%.6g", Double(nucleus.area) * s * s)),
                ("Centroid X µm", String(format: "%.6g", (nucleus.centroidX + 0.5) * s)),
                ("Centroid Y µm", String(format: "%.6g", (nucleus.centroidY + 0.5) * s)),
                ("Perimeter µm", String(format: "%.6g", Double(nucleus.perimeter) * s)),
            ]
        }
        return values
    }

    /// A ring as GeoJSON positions, closed (the first position repeated at the end).
    static func closed(_ ring: [GridPoint]) -> String {
        var text = "["
        for point in ring { text += "[\(point.x),\(point.y)]," }
        if let first = ring.first { text += "[\(first.x),\(first.y)]" }
        return text + "]"
    }
}
