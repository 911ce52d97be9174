import NucleiTensor
import Testing

/// Compares the autodiff gradient of `function` with central finite differences.
///
/// The scalar checked is L = sum(function(inputs) * R) for a fixed random R, so every output
/// element matters. Up to `samples` elements of each input are perturbed by ±`epsilon`; each
/// gradient element must agree within `tolerance` of its size plus `absoluteTolerance`.
func expectGradientsMatchFiniteDifferences(
    _ inputs: [Variable], epsilon: Float = 1e-2, tolerance: Float = 2e-2, absoluteTolerance: Float = 5e-3, samples: Int = 24, seed: UInt64 = 7,
    sourceLocation: SourceLocation = #_sourceLocation, _ function: ([Variable]) -> Variable
) {
    var generator = SeededGenerator(seed: seed)
    let firstOutput = function(inputs)
    let projection = Tensor.randomUniform(firstOutput.shape, low: -1, high: 1, generator: &generator)
    func objective() -> Double {
        let output = function(inputs).value
        return output.withUnsafeBufferPointer { y in
            projection.withUnsafeBufferPointer { r in
                var total = 0.0
                for index in 0..<y.count { total += Double(y[index]) * Double(r[index]) }
                return total
            }
        }
    }
    for input in inputs { input.gradient = nil }
    function(inputs).backward(seed: projection)
    for (inputIndex, input) in inputs.enumerated() where input.requiresGradient {
        guard let analytic = input.gradient else {
            Issue.record("input \(inputIndex) received no gradient", sourceLocation: sourceLocation)
            continue
        }
        let count = input.value.count
        let picks = count <= samples ? Array(0..<count) : (0..<samples).map { _ in Int(generator.next() % UInt64(count)) }
        for element in picks {
            let original = input.value.scalars[element]
            input.value.withUnsafeMutableBufferPointer { $0[element] = original + epsilon }
            let plus = objective()
            input.value.withUnsafeMutableBufferPointer { $0[element] = original - epsilon }
            let minus = objective()
            input.value.withUnsafeMutableBufferPointer { $0[element] = original }
            let numeric = Float((plus - minus) / (2 * Double(epsilon)))
            let exact = analytic.scalars[element]
            // Relative to the gradient's size, with a small absolute floor for the float32
            // rounding of the finite difference (about 1e-7 x sum |outputs| / (2 epsilon)).
            #expect(abs(numeric - exact) <= tolerance * max(abs(numeric), abs(exact)) + absoluteTolerance,
                    "input \(inputIndex) element \(element): autodiff \(exact), finite difference \(numeric)",
                    sourceLocation: sourceLocation)
        }
    }
}

/// Random values in [-1, 1] kept at least `margin` away from `avoiding` (kinks of ReLU-like ops).
func randomTensor(_ shape: [Int], seed: UInt64, margin: Float = 0, avoiding kinks: [Float] = []) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    return Tensor(shape: shape) { values in
        for index in 0..<values.count {
            var value: Float
            repeat { value = generator.nextUnitFloat() * 2 - 1 } while kinks.contains(where: { abs(value - $0) < margin })
            values[index] = value
        }
    }
}
