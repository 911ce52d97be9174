/// Keras weight initialisers, driven by a seeded generator.
public enum Initializers {
    /// Glorot (Xavier) uniform: U(-limit, limit), limit = sqrt(6 / (fanIn + fanOut)), with Keras's
    /// fans for a conv kernel `[kh, kw, a, b]`: fanIn = kh*kw*a, fanOut = kh*kw*b.
    public static func glorotUniform(_ shape: [Int], generator: inout SeededGenerator) -> Tensor {
        let receptiveField = shape.dropLast(2).reduce(1, *)
        let fanIn = shape.count >= 2 ? shape[shape.count - 2] * receptiveField : shape.last ?? 1
        let fanOut = (shape.last ?? 1) * receptiveField
        let limit = (6 / Float(fanIn + fanOut)).squareRoot()
        return Tensor.randomUniform(shape, low: -limit, high: limit, generator: &generator)
    }
}
