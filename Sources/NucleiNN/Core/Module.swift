/// A layer or a network: named parameters, named buffers and named child modules.
///
/// Keys are stable dotted paths (`decoder.up1.conv.kernel`) so checkpoints survive refactoring of
/// the Swift code. Parameters are trainable unless frozen; buffers (BatchNorm moving statistics)
/// are never trained by the optimizer. Train/inference mode is per module (`setTraining`), not a
/// global switch, so a frozen encoder can stay in inference mode while the decoder trains.
open class Module {
    public init() {}

    /// Child modules in a stable order.
    open var namedChildren: [(String, Module)] { [] }
    /// This module's own parameters (not its children's).
    open var namedOwnParameters: [(String, Variable)] { [] }
    /// This module's own buffers: state that is saved but not trained.
    open var namedOwnBuffers: [(String, Variable)] { [] }

    /// The key prefix of a child's tensors: `name.` by default. A Keras-named layer collection
    /// returns `name/` so its keys read `Conv1/kernel`, and a container that re-exports a child's
    /// keys unchanged returns the empty string.
    open func keyPrefix(forChild name: String) -> String { name + "." }

    /// Whether this module computes in training mode (batch statistics in BatchNorm).
    public private(set) var isTraining = false

    /// Sets the mode of this module and all of its descendants.
    public func setTraining(_ training: Bool) {
        isTraining = training
        for (_, child) in namedChildren { child.setTraining(training) }
    }

    /// Every parameter below this module, with its full key.
    public func namedParameters(prefix: String = "") -> [(String, Variable)] {
        var result = namedOwnParameters.map { (prefix + $0.0, $0.1) }
        for (name, child) in namedChildren { result += child.namedParameters(prefix: prefix + keyPrefix(forChild: name)) }
        return result
    }

    /// Every buffer below this module, with its full key.
    public func namedBuffers(prefix: String = "") -> [(String, Variable)] {
        var result = namedOwnBuffers.map { (prefix + $0.0, $0.1) }
        for (name, child) in namedChildren { result += child.namedBuffers(prefix: prefix + keyPrefix(forChild: name)) }
        return result
    }

    /// Parameters and buffers: everything a checkpoint holds.
    open func namedVariables(prefix: String = "") -> [(String, Variable)] {
        namedParameters(prefix: prefix) + namedBuffers(prefix: prefix)
    }

    /// Parameters the optimizer updates.
    public var trainableParameters: [Variable] { namedParameters().map(\.1).filter(\.requiresGradient) }

    /// Stops (or resumes) training of every parameter below this module.
    public func setTrainable(_ trainable: Bool) {
        for (_, parameter) in namedParameters() { parameter.requiresGradient = trainable }
    }

    /// Counts as in a Keras summary: trainable parameters, and the rest (frozen parameters and buffers).
    public var parameterCounts: (trainable: Int, nonTrainable: Int) {
        var trainable = 0
        var nonTrainable = 0
        for (_, parameter) in namedParameters() {
            if parameter.requiresGradient { trainable += parameter.value.count } else { nonTrainable += parameter.value.count }
        }
        for (_, buffer) in namedBuffers() { nonTrainable += buffer.value.count }
        return (trainable, nonTrainable)
    }

    /// Clears the gradients of every parameter below this module.
    public func zeroGradients() {
        for (_, parameter) in namedParameters() { parameter.gradient = nil }
    }
}
