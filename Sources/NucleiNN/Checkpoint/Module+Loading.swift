/// Loading named tensors into a module, strictly: every key must match in name and shape.
extension Module {
    /// Copies `tensors` into this module's parameters and buffers.
    ///
    /// - Parameters:
    ///   - allowMissing: keys of this module that may be absent (e.g. a decoder when loading
    ///     only a backbone); nil means none may be missing.
    ///   - ignoreUnexpected: skip tensors that are not part of this module instead of failing.
    /// - Throws: `CheckpointError` naming `path`, the key, and both shapes.
    public func load(_ tensors: [String: Tensor], from path: String, allowMissing: ((String) -> Bool)? = nil,
                     ignoreUnexpected: Bool = false) throws {
        let variables = namedVariables()
        let known = Set(variables.map(\.0))
        if !ignoreUnexpected, let extra = tensors.keys.sorted().first(where: { !known.contains($0) }) {
            throw CheckpointError.unexpectedKey(path: path, key: extra, shape: tensors[extra]!.shape)
        }
        // Validate everything before changing anything, so a failed load leaves the model intact.
        for (key, variable) in variables {
            guard let tensor = tensors[key] else {
                if allowMissing?(key) == true { continue }
                throw CheckpointError.missingKey(path: path, key: key, expectedShape: variable.shape)
            }
            guard tensor.shape == variable.shape else {
                throw CheckpointError.shapeMismatch(path: path, key: key, expected: variable.shape, found: tensor.shape)
            }
        }
        for (key, variable) in variables {
            if let tensor = tensors[key] { variable.value = tensor }
        }
    }

    /// Every parameter and buffer by key (for saving).
    public func stateDictionary() -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: namedVariables().map { ($0.0, $0.1.value) })
    }
}
