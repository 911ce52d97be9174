/// An axis-aligned box of whole pixels: columns `x ..< x + width`, rows `y ..< y + height`.
///
/// A nucleus's bounding box in the measurements, and the rectangle figures draw into
/// (`CanvasRect` in NucleiFigures is this type).
public struct BoundingBox: Equatable, Hashable, Codable, Sendable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// One past the last column.
    public var maxX: Int { x + width }
    /// One past the last row.
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    /// The part of this box inside `other` (empty, width or height 0, if none).
    public func intersection(_ other: BoundingBox) -> BoundingBox {
        let left = max(x, other.x), top = max(y, other.y)
        let right = min(maxX, other.maxX), bottom = min(maxY, other.maxY)
        return BoundingBox(x: left, y: top, width: max(0, right - left), height: max(0, bottom - top))
    }

    /// This box shrunk by `amount` on every side.
    public func insetBy(_ amount: Int) -> BoundingBox {
        BoundingBox(x: x + amount, y: y + amount, width: max(0, width - 2 * amount), height: max(0, height - 2 * amount))
    }

    public func contains(x px: Int, y py: Int) -> Bool {
        px >= x && px < maxX && py >= y && py < maxY
    }
}
