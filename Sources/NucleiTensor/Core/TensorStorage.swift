import _CKernels

/// The heap buffer behind a `Tensor`: Float32, 64-byte aligned (one AVX-512 vector, one cache line).
///
/// Alignment lets oneDNN and vectorised loops load full vectors without split cache lines.
public final class TensorStorage: @unchecked Sendable {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>

    /// Allocates `count` floats, uninitialised.
    init(uninitializedCount count: Int) {
        precondition(count >= 0, "negative element count \(count)")
        _ = Self.allocatorTuned
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    convenience init(repeating value: Float, count: Int) {
        self.init(uninitializedCount: count)
        pointer.initialize(repeating: value, count: count)
    }

    /// Step-sized buffers stay on the heap and are reused (see `nucleiseg_tune_allocator`).
    private static let allocatorTuned: Void = nucleiseg_tune_allocator()

    @inline(never)
    func copy() -> TensorStorage {
        let result = TensorStorage(uninitializedCount: count)
        result.pointer.update(from: pointer, count: count)
        return result
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }
}
