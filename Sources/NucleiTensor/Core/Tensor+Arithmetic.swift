/// Elementwise arithmetic. Loops are plain and memory-bound; the heavy work is in the kernels.
extension Tensor {
    /// Applies `transform` to each element, producing a new tensor.
    @inlinable
    public func map(_ transform: (Float) -> Float) -> Tensor {
        Tensor(shape: shape) { output in
            withUnsafeBufferPointer { input in
                for index in 0..<input.count { output[index] = transform(input[index]) }
            }
        }
    }

    /// Combines two tensors of the same shape elementwise.
    @inlinable
    public func zipMap(_ other: Tensor, _ combine: (Float, Float) -> Float) -> Tensor {
        precondition(shape == other.shape, "shape mismatch: \(shape) vs \(other.shape)")
        return Tensor(shape: shape) { output in
            withUnsafeBufferPointer { left in
                other.withUnsafeBufferPointer { right in
                    for index in 0..<left.count { output[index] = combine(left[index], right[index]) }
                }
            }
        }
    }

    /// self += other (same shape), in place.
    public mutating func add(_ other: Tensor) {
        precondition(shape == other.shape, "shape mismatch: \(shape) vs \(other.shape)")
        other.withUnsafeBufferPointer { right in
            withUnsafeMutableBufferPointer { left in
                for index in 0..<left.count { left[index] += right[index] }
            }
        }
    }

    /// self *= factor, in place.
    public mutating func scale(by factor: Float) {
        withUnsafeMutableBufferPointer { values in
            for index in 0..<values.count { values[index] *= factor }
        }
    }

    public static func + (left: Tensor, right: Tensor) -> Tensor { left.zipMap(right, +) }
    public static func - (left: Tensor, right: Tensor) -> Tensor { left.zipMap(right, -) }
    public static func * (left: Tensor, right: Tensor) -> Tensor { left.zipMap(right, *) }
    public static func * (left: Tensor, right: Float) -> Tensor { left.map { $0 * right } }
}

extension Tensor {
    /// Sum of all elements, accumulated in Double.
    public func sum() -> Float {
        withUnsafeBufferPointer { values in
            var total = 0.0
            for value in values { total += Double(value) }
            return Float(total)
        }
    }

    public func mean() -> Float { count == 0 ? 0 : sum() / Float(count) }

    /// Largest absolute difference to another tensor of the same shape.
    public func maxAbsoluteDifference(_ other: Tensor) -> Float {
        precondition(shape == other.shape, "shape mismatch: \(shape) vs \(other.shape)")
        return withUnsafeBufferPointer { left in
            other.withUnsafeBufferPointer { right in
                var worst: Float = 0
                for index in 0..<left.count { worst = max(worst, abs(left[index] - right[index])) }
                return worst
            }
        }
    }

    /// True when every element is finite.
    public var isFinite: Bool { withUnsafeBufferPointer { $0.allSatisfy { $0.isFinite } } }
}
