import Foundation  // String(format:) for fixed decimals

extension NucleusMeasurements {
    /// The CSV header, one column per field that ``csv(_:)`` writes.
    public static let csvHeader = "label,area,centroid_x,centroid_y,bbox_x,bbox_y,bbox_width,bbox_height,mean_intensity"

    /// Comma-separated text with a header and one line per nucleus, each line ending in "\n".
    ///
    /// Centroids have 3 decimals (a thousandth of a pixel), mean intensities 4; a missing mean
    /// intensity is an empty field. Fixed decimals keep the columns aligned and comparable in a
    /// spreadsheet.
    ///
    /// With a pixel size, three columns follow: `area_um2`, `centroid_x_um` and `centroid_y_um`
    /// (the centroid's pixel coordinates times the pixel size, as scikit-image's `regionprops`
    /// with `spacing`), with 6 significant digits.
    public static func csv(_ measurements: [NucleusMeasurement], pixelSize: PixelSize? = nil) -> String {
        var text = csvHeader + (pixelSize == nil ? "" : ",area_um2,centroid_x_um,centroid_y_um") + "\n"
        for nucleus in measurements {
            let box = nucleus.boundingBox
            let fields: [String] = [
                String(nucleus.label), String(nucleus.area),
                String(format: "%.3f", nucleus.centroidX), String(format: "%.3f", nucleus.centroidY),
                String(box.x), String(box.y), String(box.width), String(box.height),
                nucleus.meanIntensity.map { String(format: "%.4f", $0) } ?? "",
            ] + (pixelSize.map { size in
                let s = size.micrometres
                return [String(format: "%.6g", Double(nucleus.area) * s * s), String(format: "%.6g", nucleus.centroidX * s),
                        String(format: "%.6g", nucleus.centroidY * s)]
            } ?? [])
            text += fields.joined(separator: ",") + "\n"
        }
        return text
    }
}
