import Foundation

/// What can go wrong with a weights or checkpoint file; every message names the file.
public enum CheckpointError: Error, Equatable, LocalizedError, CustomStringConvertible {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)
    case notSafeTensors(path: String, reason: String)
    case truncated(path: String, reason: String)
    case unsupportedType(path: String, key: String, dtype: String)
    case missingKey(path: String, key: String, expectedShape: [Int])
    case unexpectedKey(path: String, key: String, shape: [Int])
    case shapeMismatch(path: String, key: String, expected: [Int], found: [Int])
    case incompatible(path: String, reason: String)
    /// A tensor holds NaN or an infinity (a diverged or damaged checkpoint).
    case nonFiniteValue(path: String, key: String, index: Int, value: String)
    /// A metadata entry whose value is not of the documented type or range.
    case invalidMetadata(path: String, key: String, value: String, expected: String)

    public var description: String {
        switch self {
        case let .fileNotFound(path): return "\(path): no such file (expected a .safetensors checkpoint)"
        case let .unreadable(path, reason): return "\(path): cannot be read: \(reason)"
        case let .unwritable(path, reason): return "\(path): cannot be written: \(reason)"
        case let .notSafeTensors(path, reason): return "\(path): not a safetensors file: \(reason)"
        case let .truncated(path, reason): return "\(path): truncated safetensors file: \(reason)"
        case let .unsupportedType(path, key, dtype): return "\(path): tensor '\(key)' has dtype \(dtype); expected F32"
        case let .missingKey(path, key, shape): return "\(path): missing tensor '\(key)' (expected shape \(shape))"
        case let .unexpectedKey(path, key, shape): return "\(path): unexpected tensor '\(key)' with shape \(shape) (not part of this model)"
        case let .shapeMismatch(path, key, expected, found):
            return "\(path): tensor '\(key)' has shape \(found); the model expects \(expected)"
        case let .incompatible(path, reason): return "\(path): \(reason)"
        case let .nonFiniteValue(path, key, index, value):
            return "\(path): tensor '\(key)' holds \(value) at element \(index); expected finite weights (the checkpoint is damaged or its training diverged)"
        case let .invalidMetadata(path, key, value, expected):
            return "\(path): metadata '\(key)' is \"\(value)\"; expected \(expected)"
        }
    }

    public var errorDescription: String? { description }
}
