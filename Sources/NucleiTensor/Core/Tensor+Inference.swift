/// Inference-only convolutions on plain tensors: no autodiff graph, activation fused.
extension Tensor {
    /// activation(conv(self, weights) + bias). NHWC input, Keras weights `[kh, kw, C/groups, out]`.
    public func convolved(
        weights: Tensor, bias: Tensor?, stride: Int, padding: (top: Int, bottom: Int, left: Int, right: Int),
        groups: Int = 1, activation: FusedActivation = .none, precision: ComputePrecision = .float32,
        kernels: any ComputeKernels = Kernels.current
    ) -> Tensor {
        precondition(rank == 4 && weights.rank == 4 && weights.shape[2] * groups == shape[3],
                     "convolution of \(shape) with weights \(weights.shape), groups \(groups)")
        let geometry = ConvolutionGeometry(
            batch: shape[0], inputHeight: shape[1], inputWidth: shape[2], inputChannels: shape[3], outputChannels: weights.shape[3],
            kernelHeight: weights.shape[0], kernelWidth: weights.shape[1], strideHeight: stride, strideWidth: stride,
            padTop: padding.top, padBottom: padding.bottom, padLeft: padding.left, padRight: padding.right, groups: groups)
        return Tensor(shape: [geometry.batch, geometry.outputHeight, geometry.outputWidth, geometry.outputChannels]) { output in
            withUnsafeBufferPointer { x in
                weights.withUnsafeBufferPointer { w in
                    withOptionalPointer(bias) { b in
                        kernels.convolutionForward(geometry, input: x.baseAddress!, weights: w.baseAddress!, bias: b,
                                                   activation: activation, precision: precision, output: output.baseAddress!)
                    }
                }
            }
        }
    }

    /// activation(Keras 'same' Conv2DTranspose(self) + bias); weights `[k, k, filters, C]`.
    public func transposedConvolved(
        weights: Tensor, bias: Tensor?, stride: Int = 2, activation: FusedActivation = .none,
        precision: ComputePrecision = .float32, kernels: any ComputeKernels = Kernels.current
    ) -> Tensor {
        precondition(rank == 4 && weights.rank == 4 && weights.shape[3] == shape[3],
                     "transposed convolution of \(shape) with weights \(weights.shape)")
        let geometry = ConvolutionGeometry.transposed(input: shape, weights: weights.shape, stride: stride)
        return Tensor(shape: [geometry.batch, geometry.inputHeight, geometry.inputWidth, geometry.inputChannels]) { output in
            withUnsafeBufferPointer { x in
                weights.withUnsafeBufferPointer { w in
                    withOptionalPointer(bias) { b in
                        kernels.transposedConvolutionForward(geometry, input: x.baseAddress!, weights: w.baseAddress!, bias: b,
                                                             activation: activation, precision: precision, output: output.baseAddress!)
                    }
                }
            }
        }
    }
}

extension ConvolutionGeometry {
    /// The convolution whose backward-data pass is the Keras 'same' `Conv2DTranspose` of an
    /// NHWC `input` with weights `[kh, kw, filters, C]`: it maps the `stride`-times larger output
    /// back to the input, with TensorFlow's 'same' pads (the odd pixel after).
    public static func transposed(input: [Int], weights: [Int], stride: Int) -> ConvolutionGeometry {
        let kernelHeight = weights[0], kernelWidth = weights[1]
        let outputHeight = input[1] * stride, outputWidth = input[2] * stride
        let totalHeight = max((input[1] - 1) * stride + kernelHeight - outputHeight, 0)
        let totalWidth = max((input[2] - 1) * stride + kernelWidth - outputWidth, 0)
        return ConvolutionGeometry(
            batch: input[0], inputHeight: outputHeight, inputWidth: outputWidth, inputChannels: weights[2],
            outputChannels: input[3], kernelHeight: kernelHeight, kernelWidth: kernelWidth,
            strideHeight: stride, strideWidth: stride,
            padTop: totalHeight / 2, padBottom: totalHeight - totalHeight / 2,
            padLeft: totalWidth / 2, padRight: totalWidth - totalWidth / 2)
    }
}
