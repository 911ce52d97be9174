/// A node of the reverse-mode autodiff graph: a value, its gradient, and how to pass a gradient on.
///
/// Each op builds its result with `Variable.record(_:parents:backward:)`, which keeps the backward
/// closure beside the forward computation (as in micrograd). When no parent needs a gradient,
/// nothing is recorded: the result is a plain constant, so a frozen encoder costs only its forward
/// pass and holds no activations for a backward pass.
public final class Variable {
    /// The forward value.
    public var value: Tensor
    /// d(loss)/d(value), accumulated over every use of this value (fan-out adds up).
    public var gradient: Tensor?
    /// Whether gradients flow to this node. For leaves this is the trainable flag.
    public var requiresGradient: Bool
    /// Inputs this node was computed from (empty for leaves and constants).
    let parents: [Variable]
    /// Receives d(loss)/d(value) and accumulates the parents' gradients.
    let backwardFunction: ((Tensor) -> Void)?

    /// A leaf: a constant input, or a parameter when `requiresGradient` is true.
    public init(_ value: Tensor, requiresGradient: Bool = false) {
        self.value = value
        self.requiresGradient = requiresGradient
        parents = []
        backwardFunction = nil
    }

    private init(value: Tensor, parents: [Variable], backward: @escaping (Tensor) -> Void) {
        self.value = value
        requiresGradient = true
        self.parents = parents
        backwardFunction = backward
    }

    public var shape: [Int] { value.shape }

    /// The result of an op. The backward closure is kept only when some parent needs a gradient.
    public static func record(
        _ value: Tensor, parents: [Variable], backward: @escaping (Tensor) -> Void
    ) -> Variable {
        if parents.contains(where: \.requiresGradient) {
            return Variable(value: value, parents: parents, backward: backward)
        }
        return Variable(value)
    }

    /// Adds `contribution` to the gradient (the first contribution is taken without a copy).
    public func accumulateGradient(_ contribution: Tensor) {
        precondition(contribution.shape == value.shape,
                     "gradient shape \(contribution.shape) does not match value shape \(value.shape)")
        if gradient == nil {
            gradient = contribution
        } else {
            gradient!.add(contribution)
        }
    }

    /// Back-propagates from this (usually scalar) node; the seed gradient defaults to ones.
    ///
    /// Intermediate gradients are released as soon as they have been passed on; leaves keep theirs.
    public func backward(seed: Tensor? = nil) {
        let order = topologicalOrder()
        accumulateGradient(seed ?? Tensor(shape: value.shape, repeating: 1))
        for node in order.reversed() {
            guard let backward = node.backwardFunction, let gradient = node.gradient else { continue }
            backward(gradient)
            node.gradient = nil
        }
    }

    /// Nodes that need a gradient, each after all of its parents.
    private func topologicalOrder() -> [Variable] {
        var order: [Variable] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(node: Variable, parentsDone: Bool)] = [(self, false)]
        while let (node, parentsDone) = stack.popLast() {
            if parentsDone {
                order.append(node)
                continue
            }
            guard node.requiresGradient, visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for parent in node.parents where parent.requiresGradient && !visited.contains(ObjectIdentifier(parent)) {
                stack.append((parent, false))
            }
        }
        return order
    }
}
