import NucleiTensor
import Testing

@Suite("Kernel benchmark")
struct KernelBenchmarkTests {
    /// Ten convolution layers with three passes each, and batch norm forward and backward.
    @Test func coversEveryLayerAndPassWithPositiveTimes() {
        let rows = KernelBenchmark.run(kernels: Kernels.oneDNN, batch: 1, repetitions: 1)
        #expect(rows.count == 32)
        #expect(rows.filter { $0.name == "transposed conv" }.count == 15)
        #expect(rows.filter { $0.name == "batch norm" }.map(\.pass) == [.forward, .backward])
        for row in rows {
            #expect(row.medianMilliseconds > 0 && row.medianMilliseconds.isFinite, "\(row.name) \(row.pass)")
            #expect(row.flops > 0 && row.gigaflopsPerSecond > 0, "\(row.name) \(row.pass)")
        }
        let transposed = rows.first { $0.name == "transposed conv" && $0.pass == .forward }
        // 4x4x320 -> 8x8x512: each of the 4 * 4 * 320 inputs feeds 3 * 3 taps of 512 filters.
        #expect(transposed?.flops == Double(2 * 4 * 4 * 320 * 9 * 512))
    }
}
