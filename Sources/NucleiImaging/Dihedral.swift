/// The 8 symmetries of the square applied to row-major HWC rasters of any size: an optional
/// left-right mirror, then `quarterTurns` rotations by 90 degrees counter-clockwise. Used for
/// test-time augmentation, where each transformed prediction is turned back and averaged.
public struct Dihedral: Sendable, Equatable, CustomStringConvertible {
    public var mirrored: Bool
    /// 0...3.
    public var quarterTurns: Int

    public init(mirrored: Bool, quarterTurns: Int) {
        precondition((0...3).contains(quarterTurns), "quarterTurns must be 0...3, got \(quarterTurns)")
        self.mirrored = mirrored
        self.quarterTurns = quarterTurns
    }

    /// The identity first, then the other seven.
    public static let all: [Dihedral] = [false, true].flatMap { mirrored in (0...3).map { Dihedral(mirrored: mirrored, quarterTurns: $0) } }

    public var description: String { (mirrored ? "mirror + " : "") + "\(quarterTurns * 90) degrees" }

    /// `values` (width x height x channels, row-major) transformed; returns the new size (a
    /// quarter turn swaps width and height).
    public func apply<Element>(_ values: [Element], width: Int, height: Int, channels: Int) -> (values: [Element], width: Int, height: Int) {
        precondition(values.count == width * height * channels, "Dihedral: \(values.count) values for \(width)x\(height)x\(channels)")
        var current = (values: values, width: width, height: height)
        if mirrored { current.values = Self.mirrored(current.values, width: width, height: height, channels: channels) }
        for _ in 0..<quarterTurns { current = Self.turned(current.values, width: current.width, height: current.height, channels: channels) }
        return current
    }

    /// Undoes `apply`: `values` has the transformed size (`width` x `height`).
    public func invert<Element>(_ values: [Element], width: Int, height: Int, channels: Int) -> (values: [Element], width: Int, height: Int) {
        var current = (values: values, width: width, height: height)
        for _ in 0..<((4 - quarterTurns) % 4) { current = Self.turned(current.values, width: current.width, height: current.height, channels: channels) }
        if mirrored { current.values = Self.mirrored(current.values, width: current.width, height: current.height, channels: channels) }
        return current
    }

    static func mirrored<Element>(_ values: [Element], width: Int, height: Int, channels: Int) -> [Element] {
        var output = values
        for y in 0..<height {
            for x in 0..<width {
                let target = (y * width + x) * channels, source = (y * width + width - 1 - x) * channels
                for c in 0..<channels { output[target + c] = values[source + c] }
            }
        }
        return output
    }

    /// One counter-clockwise quarter turn: output (row r, column c) of the `height` x `width`
    /// result is input (row c, column width - 1 - r).
    static func turned<Element>(_ values: [Element], width: Int, height: Int, channels: Int) -> (values: [Element], width: Int, height: Int) {
        var output = values
        let outputWidth = height, outputHeight = width
        for r in 0..<outputHeight {
            for c in 0..<outputWidth {
                let target = (r * outputWidth + c) * channels, source = (c * width + width - 1 - r) * channels
                for k in 0..<channels { output[target + k] = values[source + k] }
            }
        }
        return (output, outputWidth, outputHeight)
    }
}
