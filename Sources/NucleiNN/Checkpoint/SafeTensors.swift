import Foundation
import _FileSystemMessages

/// The safetensors format: an 8-byte little-endian header length, a JSON header mapping each
/// tensor name to `{dtype, shape, data_offsets}` (plus an optional `__metadata__` string map),
/// then the raw little-endian data. Only F32 tensors are read and written here.
public struct SafeTensorsFile: Sendable {
    public var tensors: [String: Tensor]
    public var metadata: [String: String]

    public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Largest header accepted: real headers are kilobytes; this refuses garbage lengths early.
    static let maximumHeaderLength = 100 << 20

    /// Reads a safetensors file.
    /// - Throws: `CheckpointError` naming the file when it is missing, truncated, or not safetensors.
    public init(contentsOf url: URL) throws {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else { throw CheckpointError.fileNotFound(path: path) }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CheckpointError.unreadable(path: path, reason: "it is a folder; expected a .safetensors file")
        }
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw CheckpointError.unreadable(path: path, reason: FileSystemMessage.reason(error))
        }
        try self.init(data: data, path: path)
    }

    /// Parses safetensors bytes held in memory; `path` only names the file in errors.
    /// - Throws: `CheckpointError` naming `path` when the bytes are truncated or not safetensors.
    public init(data bytes: Data, path: String) throws {
        let data = bytes.startIndex == 0 ? bytes : Data(bytes)
        guard data.count >= 8 else {
            throw CheckpointError.notSafeTensors(path: path, reason: "file has \(data.count) bytes, fewer than the 8-byte header length")
        }
        var headerLength: UInt64 = 0
        for index in 0..<8 { headerLength |= UInt64(data[data.startIndex + index]) << (8 * UInt64(index)) }
        guard headerLength >= 2, headerLength <= UInt64(Self.maximumHeaderLength) else {
            throw CheckpointError.notSafeTensors(path: path, reason: "header length \(headerLength) is not plausible")
        }
        guard UInt64(data.count) >= 8 + headerLength else {
            throw CheckpointError.truncated(
                path: path, reason: "the header claims \(headerLength) bytes after the 8-byte length, but the file has only \(data.count - 8) bytes after it")
        }
        let headerData = data.subdata(in: 8..<(8 + Int(headerLength)))
        guard let header = (try? JSONSerialization.jsonObject(with: headerData)) as? [String: Any] else {
            throw CheckpointError.notSafeTensors(path: path, reason: "the header is not a JSON object")
        }
        let dataStart = 8 + Int(headerLength)
        let payloadLength = data.count - dataStart
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        for (name, entry) in header {
            if name == "__metadata__" {
                if let map = entry as? [String: Any] {
                    for (key, value) in map { metadata[key] = value as? String ?? "\(value)" }
                }
                continue
            }
            guard let info = entry as? [String: Any], let dtype = info["dtype"] as? String,
                  let rawShape = info["shape"] as? [Any], let rawOffsets = info["data_offsets"] as? [Any],
                  case let shape = rawShape.compactMap(Self.integer), shape.count == rawShape.count,
                  case let offsets = rawOffsets.compactMap(Self.integer), offsets.count == 2, rawOffsets.count == 2,
                  shape.allSatisfy({ $0 >= 0 })
            else { throw CheckpointError.notSafeTensors(path: path, reason: "tensor '\(name)' has a malformed header entry") }
            guard dtype == "F32" else { throw CheckpointError.unsupportedType(path: path, key: name, dtype: dtype) }
            // Overflow-checked: a hostile header may claim a shape whose element count wraps.
            var count = 1
            for dimension in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
                guard !overflow, product <= payloadLength / 4 + 1 else {
                    throw CheckpointError.truncated(path: path, reason: "tensor '\(name)' of shape \(shape) does not fit the \(payloadLength)-byte payload")
                }
                count = product
            }
            guard offsets[0] >= 0, offsets[0] <= payloadLength, offsets[1] == offsets[0] + count * 4 else {
                throw CheckpointError.notSafeTensors(path: path, reason: "tensor '\(name)' offsets \(offsets) do not fit shape \(shape)")
            }
            guard offsets[1] <= payloadLength else {
                throw CheckpointError.truncated(path: path, reason: "tensor '\(name)' ends at byte \(offsets[1]) of a \(payloadLength)-byte payload")
            }
            tensors[name] = Tensor(shape: shape) { values in
                guard count > 0 else { return }
                data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                    let source = raw.baseAddress! + dataStart + offsets[0]
                    // Little-endian file on a little-endian host: a plain copy.
                    UnsafeMutableRawPointer(values.baseAddress!).copyMemory(from: source, byteCount: count * 4)
                }
            }
        }
        self.tensors = tensors
        self.metadata = metadata
    }

    /// A JSON number that is a whole number within `Int`'s range (shapes and offsets), else nil.
    static func integer(_ value: Any) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        let double = number.doubleValue
        guard double.rounded() == double, abs(double) < 9.0e15 else { return nil }
        return number.intValue
    }

    /// The encoded file: header (sorted keys, padded to 8 bytes) then data in key order.
    public func encoded() -> Data {
        let names = tensors.keys.sorted()
        var offset = 0
        var header: [String: Any] = [:]
        for name in names {
            let tensor = tensors[name]!
            header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + tensor.count * 4]] as [String: Any]
            offset += tensor.count * 4
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var headerData = (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) ?? Data("{}".utf8)
        while headerData.count % 8 != 0 { headerData.append(0x20) }
        var result = Data(capacity: 8 + headerData.count + offset)
        var length = UInt64(headerData.count).littleEndian
        withUnsafeBytes(of: &length) { result.append(contentsOf: $0) }
        result.append(headerData)
        for name in names {
            tensors[name]!.withUnsafeBufferPointer { values in
                result.append(UnsafeBufferPointer(start: UnsafeRawPointer(values.baseAddress!).assumingMemoryBound(to: UInt8.self), count: values.count * 4))
            }
        }
        return result
    }

    /// Writes atomically: a temporary file in the same folder, then a rename, so a crash or
    /// Ctrl-C never leaves a half-written checkpoint under the final name.
    public func write(to url: URL) throws {
        let data = encoded()
        do throws(AtomicFile.Failure) {
            try AtomicFile.write(data, to: url, killHook: CheckpointWriteHook.shouldKill)
        } catch {
            throw CheckpointError.unwritable(path: error.path, reason: error.reason)
        }
    }
}

/// Test hook, for the kill -9 test only: `NUCLEISEG_TEST_KILL_IN_CHECKPOINT_WRITE=N` makes the
/// process write half of its Nth safetensors file (counted from 1) to the temporary file and then
/// SIGKILL itself, as a crash in the middle of a checkpoint write would. Unset, it costs one
/// dictionary look-up per checkpoint.
enum CheckpointWriteHook {
    nonisolated(unsafe) static var writes = 0
    static let killAt = ProcessInfo.processInfo.environment["NUCLEISEG_TEST_KILL_IN_CHECKPOINT_WRITE"].flatMap(Int.init)

    static func shouldKill() -> Bool {
        guard let killAt else { return false }
        writes += 1
        return writes == killAt
    }
}
