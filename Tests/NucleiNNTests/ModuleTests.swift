import NucleiNN
import Testing

/// A two-level module tree: `head.norm` (a BatchNorm) under a parent with its own parameter.
private final class Parent: Module {
    let norm = BatchNorm(channels: 2)
    let scale = Variable(Tensor(shape: [1], repeating: 1), requiresGradient: true)
    override var namedChildren: [(String, Module)] { [("head", Holder(norm))] }
    override var namedOwnParameters: [(String, Variable)] { [("scale", scale)] }
}

private final class Holder: Module {
    let inner: Module
    init(_ inner: Module) { self.inner = inner }
    override var namedChildren: [(String, Module)] { [("norm", inner)] }
}

@Suite struct ModuleKeyTests {
    @Test func keysAreDottedPathsOfChildNames() {
        let module = Parent()
        #expect(module.namedParameters().map(\.0) == ["scale", "head.norm.gamma", "head.norm.beta"])
        #expect(module.namedBuffers().map(\.0) == ["head.norm.moving_mean", "head.norm.moving_variance"])
        // 2 gamma + 2 beta + 1 scale trainable; the 4 moving statistics are not.
        #expect(module.parameterCounts.trainable == 5)
    }
}

@Suite struct BatchNormMomentumTests {
    @Test func trainingUpdatesTheMovingStatisticsByMomentum() {
        // One channel, batch values 1, 3, 5, 7: mean 4, biased variance (9 + 1 + 1 + 9) / 4 = 5.
        let norm = BatchNorm(channels: 1, momentum: 0.9)
        norm.setTraining(true)
        _ = norm(Variable(Tensor(shape: [1, 2, 2, 1], scalars: [1, 3, 5, 7])))
        // moving = moving * 0.9 + batch * 0.1: mean 0 -> 0.4, variance 1 -> 0.9 + 0.5 = 1.4.
        #expect(abs(norm.movingMean.value.scalars[0] - 0.4) < 1e-6)
        #expect(abs(norm.movingVariance.value.scalars[0] - 1.4) < 1e-6)
        norm.setTraining(false)
        _ = norm(Variable(Tensor(shape: [1, 2, 2, 1], scalars: [1, 3, 5, 7])))
        #expect(abs(norm.movingMean.value.scalars[0] - 0.4) < 1e-6)  // inference leaves them alone
    }
}
