#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The kernel implementations, and the one the tensor engine uses.
public enum Kernels {
    /// Plain Swift loops: the executable specification.
    public static let reference: any ComputeKernels = ReferenceKernels()
    /// oneDNN: the fast path.
    public static let oneDNN: any ComputeKernels = OneDNNKernels()

    /// oneDNN, unless the environment variable `NUCLEISEG_KERNELS` is `reference` (for checking a
    /// whole training run against the specification). Read once, on first use.
    public static var current: any ComputeKernels { selected }

    private static let selected: any ComputeKernels = {
        guard let value = getenv("NUCLEISEG_KERNELS") else { return oneDNN }
        return String(cString: value) == "reference" ? reference : oneDNN
    }()
}
