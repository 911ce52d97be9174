import _CKernels

/// The fast kernels: oneDNN 2.6 primitives through the C glue in `_CKernels/dnnl_kernels.c`.
///
/// The glue caches one primitive per geometry: creating it on every call cost ~10 µs per
/// convolution pass and ~6 µs per batch norm at batch 1 on an 8x8x16 3x3 convolution (oneDNN's
/// own primitive cache hits, but building the primitive descriptor does not), against ~4.4 µs and
/// ~2 µs with the cache (2 Zen 5 cores).
///
/// The transposed convolution uses oneDNN's deconvolution primitives rather than the convolution
/// identities: the same kernels underneath, plus a fused bias and bias gradient (the identities
/// add the bias in a separate pass over the output).
///
/// Threads: oneDNN runs each call on libgomp with one thread per core (it reports `nthr:2` here);
/// `OMP_NUM_THREADS` lowers that, and nothing in NucleiSeg sets it. Calls are serialised by one
/// lock in the glue, so Swift tasks on several threads never run competing OpenMP teams at once
/// (libgomp keeps one team per calling thread; an idle team spins briefly, then sleeps). On the
/// 16x16x448 -> 32x32x128 transposed convolution forward at batch 32 (idle machine, 3 tries),
/// two threads took 38-41 ms (208-221 GFLOP/s), one thread 76-79 ms (107-111 GFLOP/s): 1.95x.
/// Another busy process on the 2 cores costs far more than its share, because each parallel
/// region waits for its slowest thread: the same call then took 80-90 ms.
/// Keep libgomp's default wait policy (spin a while, then sleep): `OMP_WAIT_POLICY=passive` left
/// the 39 ms call unchanged but made a batch-1 8x8x16 3x3 convolution pass 53 µs instead of 4.5 µs.
/// On a loaded machine it is the other way round (load average 8-10 on the 2 cores, 3 alternating
/// rounds of `benchmark model`, images/s): default 9.2 training / 15.0 batch-1 / 16.8 batch-32
/// inference, passive 14.7 / 64.4 / 77.5, one thread 28.4 / 60.3 / 80.5. libgomp reads these
/// variables when it loads, so they are the user's to set (see the README's Speed section).
///
/// A failing call is a programmer error (shapes are validated before): it stops with the oneDNN
/// status and the geometry.
public struct OneDNNKernels: ComputeKernels {
    public init() {}

    // MARK: Convolution

    public func convolutionForward(
        _ geometry: ConvolutionGeometry, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
    ) {
        var shape = geometry.cGeometry
        check(nucleiseg_convolution_forward(&shape, input, weights, bias, output), "convolution forward", geometry)
    }

    public func convolutionBackwardData(
        _ geometry: ConvolutionGeometry, outputGradient: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>
    ) {
        var shape = geometry.cGeometry
        check(
            nucleiseg_convolution_backward_data(&shape, outputGradient, weights, inputGradient),
            "convolution backward data", geometry)
    }

    public func convolutionBackwardWeights(
        _ geometry: ConvolutionGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        weightsGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?
    ) {
        var shape = geometry.cGeometry
        check(
            nucleiseg_convolution_backward_weights(&shape, input, outputGradient, weightsGradient, biasGradient),
            "convolution backward weights", geometry)
    }

    public func convolutionForward(
        _ geometry: ConvolutionGeometry, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, activation: FusedActivation, precision: ComputePrecision,
        output: UnsafeMutablePointer<Float>
    ) {
        var shape = geometry.cGeometry
        check(nucleiseg_convolution_forward_precision(&shape, input, weights, bias, activation.rawValue, precision.kernelFlag, output),
              "fused convolution forward", geometry)
    }

    public func transposedConvolutionForward(
        _ geometry: ConvolutionGeometry, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, activation: FusedActivation, precision: ComputePrecision,
        output: UnsafeMutablePointer<Float>
    ) {
        var shape = geometry.cGeometry
        check(nucleiseg_transposed_convolution_forward_precision(&shape, input, weights, bias, activation.rawValue, precision.kernelFlag, output),
              "fused transposed convolution forward", geometry)
    }

    public func transposedConvolutionBackwardData(
        _ geometry: ConvolutionGeometry, outputGradient: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        precision: ComputePrecision, inputGradient: UnsafeMutablePointer<Float>
    ) {
        var shape = geometry.cGeometry
        check(nucleiseg_transposed_convolution_backward_data_precision(&shape, outputGradient, weights, precision.kernelFlag, inputGradient),
              "transposed convolution backward data (reduced precision)", geometry)
    }

    public func transposedConvolutionBackwardWeights(
        _ geometry: ConvolutionGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        precision: ComputePrecision, weightsGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?
    ) {
        var shape = geometry.cGeometry
        check(nucleiseg_transposed_convolution_backward_weights_precision(&shape, input, outputGradient, precision.kernelFlag,
                                                                         weightsGradient, biasGradient),
              "transposed convolution backward weights (reduced precision)", geometry)
    }

    /// Whether this CPU has native bfloat16 arithmetic (AVX512-BF16 or AMX) for oneDNN.
    public static var supportsBFloat16: Bool { nucleiseg_kernels_support_bfloat16() != 0 }

    // MARK: Transposed convolution

    public func transposedConvolutionForward(
        _ geometry: ConvolutionGeometry, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
    ) {
        var shape = geometry.cGeometry
        check(
            nucleiseg_transposed_convolution_forward(&shape, input, weights, bias, output),
            "transposed convolution forward", geometry)
    }

    public func transposedConvolutionBackwardData(
        _ geometry: ConvolutionGeometry, outputGradient: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>
    ) {
        var shape = geometry.cGeometry
        check(
            nucleiseg_transposed_convolution_backward_data(&shape, outputGradient, weights, inputGradient),
            "transposed convolution backward data", geometry)
    }

    public func transposedConvolutionBackwardWeights(
        _ geometry: ConvolutionGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        weightsGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?
    ) {
        var shape = geometry.cGeometry
        check(
            nucleiseg_transposed_convolution_backward_weights(&shape, input, outputGradient, weightsGradient, biasGradient),
            "transposed convolution backward weights", geometry)
    }

    // MARK: Batch normalisation

    public func batchNormForwardTraining(
        rows: Int, channels: Int, input: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
        beta: UnsafePointer<Float>, epsilon: Float, output: UnsafeMutablePointer<Float>,
        mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>
    ) {
        check(
            nucleiseg_batch_norm_forward_training(rows, channels, input, gamma, beta, epsilon, output, mean, variance),
            "batch norm forward training", rows: rows, channels: channels)
    }

    public func batchNormForwardInference(
        rows: Int, channels: Int, input: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
        beta: UnsafePointer<Float>, mean: UnsafePointer<Float>, variance: UnsafePointer<Float>,
        epsilon: Float, output: UnsafeMutablePointer<Float>
    ) {
        check(
            nucleiseg_batch_norm_forward_inference(rows, channels, input, gamma, beta, mean, variance, epsilon, output),
            "batch norm forward inference", rows: rows, channels: channels)
    }

    public func batchNormBackward(
        rows: Int, channels: Int, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        gamma: UnsafePointer<Float>, mean: UnsafePointer<Float>, variance: UnsafePointer<Float>,
        epsilon: Float, inputGradient: UnsafeMutablePointer<Float>,
        gammaGradient: UnsafeMutablePointer<Float>, betaGradient: UnsafeMutablePointer<Float>
    ) {
        check(
            nucleiseg_batch_norm_backward(
                rows, channels, input, outputGradient, gamma, mean, variance, epsilon, inputGradient,
                gammaGradient, betaGradient),
            "batch norm backward", rows: rows, channels: channels)
    }

    // MARK: Diagnostics

    /// The oneDNN implementation behind the most recently created primitive (e.g.
    /// "brgconv:avx512_core +reorder"); for benchmarks and bug reports.
    public static var lastImplementation: String { String(cString: nucleiseg_kernels_last_implementation()) }

    /// Turns the glue's per-geometry primitive cache on (default) or off; for measuring it only.
    public static func setPrimitiveCacheEnabled(_ enabled: Bool) {
        nucleiseg_kernels_set_primitive_cache_enabled(enabled ? 1 : 0)
    }

    private func check(_ status: Int32, _ operation: StaticString, _ geometry: ConvolutionGeometry) {
        if status != 0 { preconditionFailure("oneDNN \(operation) failed (\(Self.statusName(status))): \(geometry)") }
    }

    private func check(_ status: Int32, _ operation: StaticString, rows: Int, channels: Int) {
        if status != 0 {
            preconditionFailure("oneDNN \(operation) failed (\(Self.statusName(status))): rows \(rows), channels \(channels)")
        }
    }

    private static func statusName(_ status: Int32) -> String {
        "status \(status), \(String(cString: nucleiseg_kernels_status_name(status)))"
    }
}

extension ConvolutionGeometry {
    /// The same numbers in the C glue's struct.
    fileprivate var cGeometry: nucleiseg_convolution_geometry {
        nucleiseg_convolution_geometry(
            batch: batch, input_height: inputHeight, input_width: inputWidth, input_channels: inputChannels,
            output_channels: outputChannels, kernel_height: kernelHeight, kernel_width: kernelWidth,
            stride_height: strideHeight, stride_width: strideWidth, pad_top: padTop, pad_bottom: padBottom,
            pad_left: padLeft, pad_right: padRight, groups: groups)
    }
}
