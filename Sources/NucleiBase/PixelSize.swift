/// The physical size of one pixel, in micrometres (square pixels: one number).
public struct PixelSize: Equatable, Sendable, CustomStringConvertible {
    public var micrometres: Double

    /// - Precondition: `micrometres` is finite and positive (check user input with `parse`).
    public init(micrometres: Double) {
        precondition(micrometres.isFinite && micrometres > 0, "pixel size \(micrometres) µm")
        self.micrometres = micrometres
    }

    /// A positive, finite number of micrometres from the command line, else nil.
    public static func parse(_ text: String) -> PixelSize? {
        guard let value = Double(text), value.isFinite, value > 0 else { return nil }
        return PixelSize(micrometres: value)
    }

    public var description: String { "\(micrometres) µm" }
}
