/// Pointwise activations.
extension Variable {
    /// max(x, 0). The gradient passes where the output is positive (TensorFlow's rule).
    public static func relu(_ input: Variable) -> Variable {
        let output = input.value.map { max($0, 0) }
        return record(output, parents: [input]) { outputGradient in
            input.accumulateGradient(outputGradient.zipMap(output) { gradient, y in y > 0 ? gradient : 0 })
        }
    }

    /// min(max(x, 0), 6), the MobileNetV2 activation. The gradient passes where 0 < x < 6.
    public static func relu6(_ input: Variable) -> Variable {
        let inputValue = input.value
        let output = inputValue.map { min(max($0, 0), 6) }
        return record(output, parents: [input]) { outputGradient in
            input.accumulateGradient(outputGradient.zipMap(inputValue) { gradient, x in x > 0 && x < 6 ? gradient : 0 })
        }
    }
}
