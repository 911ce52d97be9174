/// A rectangle of whole pixels on a canvas: the shared ``BoundingBox`` (columns
/// `x ..< x + width`, rows `y ..< y + height`).
public typealias CanvasRect = BoundingBox
