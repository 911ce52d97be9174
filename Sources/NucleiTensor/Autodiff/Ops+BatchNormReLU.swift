/// The U-Net decoder's BatchNorm -> ReLU -> concatenation as one op (training mode).
extension Variable {
    /// `concatenateChannels([relu(batchNormTraining(input)), skip])` in one op: the same
    /// arithmetic (the same batch-norm kernels, the same ReLU and gradient rule), without the two
    /// intermediate tensors the composition keeps for its backward pass (the normalised and the
    /// activated values, each the size of `input`): the ReLU is written straight into the
    /// concatenation buffer, and the backward pass reads its mask back from there.
    ///
    /// A training step of the reference model at batch 32 keeps 126 MB less in the forward graph
    /// (two tensors in each of 4 decoder blocks, the largest 64x64x64: 33.5 MB each), and the
    /// frozen encoder's skips (81 MB) are no longer held by it; one pass less over each block's
    /// output (issue 13).
    ///
    /// - Parameters:
    ///   - input: NHWC `[N, H, W, C]`.
    ///   - skip: NHWC `[N, H, W, S]` appended after the activated channels, or nil for
    ///     `relu(batchNormTraining(input))` alone.
    /// - Returns: the `[N, H, W, C + S]` output and the batch statistics (the caller updates its
    ///   moving averages).
    public static func batchNormTrainingReLU(
        _ input: Variable, gamma: Variable, beta: Variable, epsilon: Float, concatenatedWith skip: Variable? = nil,
        kernels: any ComputeKernels = Kernels.current
    ) -> (output: Variable, mean: Tensor, variance: Tensor) {
        let channels = input.shape.last!
        precondition(gamma.shape == [channels] && beta.shape == [channels],
                     "batch norm of \(input.shape) with gamma \(gamma.shape), beta \(beta.shape)")
        if let skip {
            precondition(Array(skip.shape.dropLast()) == Array(input.shape.dropLast()),
                         "skip \(skip.shape) does not match the normalised \(input.shape)")
        }
        let skipChannels = skip?.shape.last ?? 0, total = channels + skipChannels
        let inputValue = input.value, rows = inputValue.count / channels
        let (normalized, mean, variance) = normalizedForTraining(inputValue, gamma: gamma.value, beta: beta.value, epsilon: epsilon, kernels: kernels)
        let output = Tensor(shape: Array(inputValue.shape.dropLast()) + [total]) { out in
            normalized.withUnsafeBufferPointer { y in
                let y = y.baseAddress!, out = out.baseAddress!
                for row in 0..<rows {
                    let source = y + row * channels, destination = out + row * total
                    for c in 0..<channels { destination[c] = max(source[c], 0) }
                }
            }
            skip?.value.withUnsafeBufferPointer { s in
                let source = s.baseAddress!, out = out.baseAddress! + channels
                for row in 0..<rows { (out + row * total).update(from: source + row * skipChannels, count: skipChannels) }
            }
        }
        let gammaValue = gamma.value
        // A skip that needs no gradient (the frozen encoder's) is neither a parent nor captured,
        // so the graph does not keep it alive: its values already sit in `output`.
        let skipNeedingGradient = skip?.requiresGradient == true ? skip : nil
        let parents = [input, gamma, beta] + (skipNeedingGradient.map { [$0] } ?? [])
        let result = record(output, parents: parents) { outputGradient in
            // d/d(normalised) = the output gradient where the ReLU passed (its output is positive).
            let maskedGradient = Tensor(shape: inputValue.shape) { masked in
                outputGradient.withUnsafeBufferPointer { dy in
                    output.withUnsafeBufferPointer { y in
                        let dy = dy.baseAddress!, y = y.baseAddress!, masked = masked.baseAddress!
                        for row in 0..<rows {
                            let base = row * total, destination = masked + row * channels
                            for c in 0..<channels { destination[c] = y[base + c] > 0 ? dy[base + c] : 0 }
                        }
                    }
                }
            }
            let (inputGradient, gammaGradient, betaGradient) = normalizationGradients(
                input: inputValue, outputGradient: maskedGradient, gamma: gammaValue, mean: mean, variance: variance,
                epsilon: epsilon, kernels: kernels)
            if input.requiresGradient { input.accumulateGradient(inputGradient) }
            if gamma.requiresGradient { gamma.accumulateGradient(gammaGradient) }
            if beta.requiresGradient { beta.accumulateGradient(betaGradient) }
            skipNeedingGradient?.accumulateGradient(outputGradient.slice(channels: channels..<total))
        }
        return (result, mean, variance)
    }
}
