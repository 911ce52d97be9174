import ArgumentParser
import NucleiSeg

/// `nucleiseg benchmark kernels`: times the heavy kernels on the model's layer shapes.
struct BenchmarkKernelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "Time convolution, transposed convolution and batch norm kernels on the model's layer shapes.")

    /// fp32 peak of the 2-core Zen 5 machine (2 cores x 2 AVX-512 FMA pipes x 16 lanes x 2 x ~4.3 GHz).
    static let peakGigaflopsPerSecond = 550.0

    @Option(help: "Images per batch (default 32, or 1 with --reference).")
    var batch: Int?

    @Option(help: "Timed runs per pass; the median is reported.")
    var repetitions = 5

    @Flag(help: "Benchmark the plain-Swift reference kernels instead of oneDNN (use a small batch).")
    var reference = false

    func validate() throws {
        if let batch, batch < 1 { throw ValidationError("--batch must be at least 1, got \(batch)") }
        if repetitions < 1 { throw ValidationError("--repetitions must be at least 1, got \(repetitions)") }
    }

    func run() throws {
        let batch = self.batch ?? (reference ? 1 : 32)
        let kernels = reference ? Kernels.reference : Kernels.oneDNN
        print("\(reference ? "reference" : "oneDNN") kernels, batch \(batch), median of \(repetitions) runs")
        print(pad("kernel", 16) + pad("pass", 18) + pad("shape", 38) + pad("median ms", 11, right: true)
            + pad("GFLOP/s", 9, right: true) + pad("% peak", 8, right: true))
        _ = KernelBenchmark.run(kernels: kernels, batch: batch, repetitions: repetitions) { row in
            let percent = 100 * row.gigaflopsPerSecond / Self.peakGigaflopsPerSecond
            print(pad(row.name, 16) + pad(row.pass.rawValue, 18) + pad(row.shape, 38)
                + pad(fixed(row.medianMilliseconds, 2), 11, right: true)
                + pad(fixed(row.gigaflopsPerSecond, 1), 9, right: true) + pad(fixed(percent, 1), 8, right: true))
        }
    }
}

private func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let padding = String(repeating: " ", count: max(1, width - text.count))
    return right ? padding + text : text + padding
}

/// A non-negative `value` with `digits` decimals (no Foundation formatting).
private func fixed(_ value: Double, _ digits: Int) -> String {
    var factor = 1
    for _ in 0..<digits { factor *= 10 }
    let scaled = Int((max(value, 0) * Double(factor)).rounded())
    let fraction = String(scaled % factor)
    if digits == 0 { return String(scaled) }
    return "\(scaled / factor)." + String(repeating: "0", count: digits - fraction.count) + fraction
}
