/// Keras `ReLU`.
public struct ReLU: Sendable {
    public init() {}
    public func callAsFunction(_ input: Variable) -> Variable { Variable.relu(input) }
}

/// `ReLU(max_value=6)`, the MobileNetV2 activation.
public struct ReLU6: Sendable {
    public init() {}
    public func callAsFunction(_ input: Variable) -> Variable { Variable.relu6(input) }
}

/// Keras `ZeroPadding2D` with explicit ((top, bottom), (left, right)).
public struct ZeroPadding2D: Sendable {
    public let top: Int, bottom: Int, left: Int, right: Int
    public init(top: Int, bottom: Int, left: Int, right: Int) {
        (self.top, self.bottom, self.left, self.right) = (top, bottom, left, right)
    }
    public func callAsFunction(_ input: Variable) -> Variable {
        Variable.zeroPadding(input, top: top, bottom: bottom, left: left, right: right)
    }
}

/// Keras `Add`.
public struct Add: Sendable {
    public init() {}
    public func callAsFunction(_ left: Variable, _ right: Variable) -> Variable { Variable.add(left, right) }
}

/// Keras `Concatenate` on the channel axis.
public struct Concatenate: Sendable {
    public init() {}
    public func callAsFunction(_ parts: [Variable]) -> Variable { Variable.concatenateChannels(parts) }
}
