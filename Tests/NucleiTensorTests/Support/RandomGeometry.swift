import NucleiTensor
import Testing

/// A random convolution problem: batch 1-3, sizes 1-9, kernels 1 or 3 per axis, strides 1 or 2,
/// pads 0-2 on each side, channels 1-20. The seed picks the grouping (seed % 3: plain, two
/// groups, depthwise with channel multiplier 1 or 2) and the bias ((seed / 3) % 2), so every
/// few consecutive seeds cover every kind.
struct RandomConvolution: CustomTestStringConvertible {
    var geometry: ConvolutionGeometry
    var withBias: Bool
    var seed: UInt64

    init(seed: UInt64) {
        self.seed = seed
        var generator = SeededGenerator(seed: seed)
        withBias = (seed / 3) % 2 == 1
        while true {
            let kernelHeight = Bool.random(using: &generator) ? 3 : 1
            let kernelWidth = Bool.random(using: &generator) ? 3 : 1
            let pads = (0..<4).map { _ in Int.random(in: 0...2, using: &generator) }
            let inputHeight = Int.random(in: 1...9, using: &generator)
            let inputWidth = Int.random(in: 1...9, using: &generator)
            guard inputHeight + pads[0] + pads[1] >= kernelHeight, inputWidth + pads[2] + pads[3] >= kernelWidth else {
                continue
            }
            let (inputChannels, outputChannels, groups): (Int, Int, Int)
            switch seed % 3 {
            case 0:
                (inputChannels, outputChannels, groups) =
                    (Int.random(in: 1...20, using: &generator), Int.random(in: 1...20, using: &generator), 1)
            case 1:
                (inputChannels, outputChannels, groups) =
                    (2 * Int.random(in: 1...10, using: &generator), 2 * Int.random(in: 1...10, using: &generator), 2)
            default:
                let channels = Int.random(in: 1...20, using: &generator)
                (inputChannels, outputChannels, groups) =
                    (channels, channels * Int.random(in: 1...2, using: &generator), channels)
            }
            geometry = ConvolutionGeometry(
                batch: Int.random(in: 1...3, using: &generator), inputHeight: inputHeight, inputWidth: inputWidth,
                inputChannels: inputChannels, outputChannels: outputChannels, kernelHeight: kernelHeight,
                kernelWidth: kernelWidth, strideHeight: Int.random(in: 1...2, using: &generator),
                strideWidth: Int.random(in: 1...2, using: &generator), padTop: pads[0], padBottom: pads[1],
                padLeft: pads[2], padRight: pads[3], groups: groups)
            return
        }
    }

    var testDescription: String { "seed \(seed): \(geometry), bias \(withBias)" }
}
