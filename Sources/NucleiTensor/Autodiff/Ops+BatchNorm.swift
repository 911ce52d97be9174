/// Batch normalisation over the channel (last) axis of an NHWC variable.
extension Variable {
    /// Training mode: normalises with the batch mean and biased variance over N*H*W.
    ///
    /// - Returns: the output and the batch statistics (the caller updates its moving averages).
    public static func batchNormTraining(
        _ input: Variable, gamma: Variable, beta: Variable, epsilon: Float,
        kernels: any ComputeKernels = Kernels.current
    ) -> (output: Variable, mean: Tensor, variance: Tensor) {
        let channels = input.shape.last!
        precondition(gamma.shape == [channels] && beta.shape == [channels],
                     "batch norm of \(input.shape) with gamma \(gamma.shape), beta \(beta.shape)")
        let inputValue = input.value
        let (output, mean, variance) = normalizedForTraining(inputValue, gamma: gamma.value, beta: beta.value, epsilon: epsilon, kernels: kernels)
        let gammaValue = gamma.value
        let result = record(output, parents: [input, gamma, beta]) { outputGradient in
            let (inputGradient, gammaGradient, betaGradient) = normalizationGradients(
                input: inputValue, outputGradient: outputGradient, gamma: gammaValue, mean: mean, variance: variance,
                epsilon: epsilon, kernels: kernels)
            if input.requiresGradient { input.accumulateGradient(inputGradient) }
            if gamma.requiresGradient { gamma.accumulateGradient(gammaGradient) }
            if beta.requiresGradient { beta.accumulateGradient(betaGradient) }
        }
        return (result, mean, variance)
    }

    /// Inference mode: normalises with given (moving) statistics; differentiable in input, gamma, beta.
    public static func batchNormInference(
        _ input: Variable, gamma: Variable, beta: Variable, mean: Tensor, variance: Tensor, epsilon: Float,
        kernels: any ComputeKernels = Kernels.current
    ) -> Variable {
        let channels = input.shape.last!
        precondition(gamma.shape == [channels] && beta.shape == [channels] && mean.shape == [channels] && variance.shape == [channels],
                     "batch norm of \(input.shape) with parameters of other sizes")
        let rows = input.value.count / channels
        let inputValue = input.value
        let output = Tensor(shape: inputValue.shape) { out in
            inputValue.withUnsafeBufferPointer { x in
                gamma.value.withUnsafeBufferPointer { g in
                    beta.value.withUnsafeBufferPointer { b in
                        mean.withUnsafeBufferPointer { m in
                            variance.withUnsafeBufferPointer { v in
                                kernels.batchNormForwardInference(
                                    rows: rows, channels: channels, input: x.baseAddress!, gamma: g.baseAddress!,
                                    beta: b.baseAddress!, mean: m.baseAddress!, variance: v.baseAddress!,
                                    epsilon: epsilon, output: out.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        let gammaValue = gamma.value
        return record(output, parents: [input, gamma, beta]) { outputGradient in
            // y = gamma * (x - mean) * invStd + beta with fixed statistics.
            let invStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
            var inputGradient = Tensor(shape: inputValue.shape)
            var gammaGradient = Tensor(shape: [channels])
            var betaGradient = Tensor(shape: [channels])
            inputValue.withUnsafeBufferPointer { x in
                outputGradient.withUnsafeBufferPointer { dy in
                    gammaValue.withUnsafeBufferPointer { g in
                        mean.withUnsafeBufferPointer { m in
                            invStd.withUnsafeBufferPointer { s in
                                inputGradient.withUnsafeMutableBufferPointer { dx in
                                    gammaGradient.withUnsafeMutableBufferPointer { dg in
                                        betaGradient.withUnsafeMutableBufferPointer { db in
                                            for row in 0..<rows {
                                                let base = row * channels
                                                for c in 0..<channels {
                                                    let gradient = dy[base + c]
                                                    dx[base + c] = gradient * g[c] * s[c]
                                                    dg[c] += gradient * (x[base + c] - m[c]) * s[c]
                                                    db[c] += gradient
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if input.requiresGradient { input.accumulateGradient(inputGradient) }
            if gamma.requiresGradient { gamma.accumulateGradient(gammaGradient) }
            if beta.requiresGradient { beta.accumulateGradient(betaGradient) }
        }
    }
}

extension Variable {
    /// The training-mode forward pass on values: the output and the batch mean and biased
    /// variance over N*H*W (shared by `batchNormTraining` and `batchNormTrainingReLU`).
    static func normalizedForTraining(
        _ input: Tensor, gamma: Tensor, beta: Tensor, epsilon: Float, kernels: any ComputeKernels
    ) -> (output: Tensor, mean: Tensor, variance: Tensor) {
        let channels = input.shape.last!, rows = input.count / channels
        var mean = Tensor(shape: [channels]), variance = Tensor(shape: [channels])
        let output = Tensor(shape: input.shape) { out in
            input.withUnsafeBufferPointer { x in
                gamma.withUnsafeBufferPointer { g in
                    beta.withUnsafeBufferPointer { b in
                        mean.withUnsafeMutableBufferPointer { m in
                            variance.withUnsafeMutableBufferPointer { v in
                                kernels.batchNormForwardTraining(
                                    rows: rows, channels: channels, input: x.baseAddress!, gamma: g.baseAddress!,
                                    beta: b.baseAddress!, epsilon: epsilon, output: out.baseAddress!,
                                    mean: m.baseAddress!, variance: v.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        return (output, mean, variance)
    }

    /// The training-mode backward pass on values: the gradients of the input, gamma and beta
    /// given the gradient of the normalised output and the batch statistics of the forward pass.
    static func normalizationGradients(
        input: Tensor, outputGradient: Tensor, gamma: Tensor, mean: Tensor, variance: Tensor, epsilon: Float,
        kernels: any ComputeKernels
    ) -> (input: Tensor, gamma: Tensor, beta: Tensor) {
        let channels = input.shape.last!, rows = input.count / channels
        var gammaGradient = Tensor(shape: [channels]), betaGradient = Tensor(shape: [channels])
        let inputGradient = Tensor(shape: input.shape) { dx in
            input.withUnsafeBufferPointer { x in
                outputGradient.withUnsafeBufferPointer { dy in
                    gamma.withUnsafeBufferPointer { g in
                        mean.withUnsafeBufferPointer { m in
                            variance.withUnsafeBufferPointer { v in
                                gammaGradient.withUnsafeMutableBufferPointer { dg in
                                    betaGradient.withUnsafeMutableBufferPointer { db in
                                        kernels.batchNormBackward(
                                            rows: rows, channels: channels, input: x.baseAddress!,
                                            outputGradient: dy.baseAddress!, gamma: g.baseAddress!, mean: m.baseAddress!,
                                            variance: v.baseAddress!, epsilon: epsilon, inputGradient: dx.baseAddress!,
                                            gammaGradient: dg.baseAddress!, betaGradient: db.baseAddress!)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (inputGradient, gammaGradient, betaGradient)
    }
}
