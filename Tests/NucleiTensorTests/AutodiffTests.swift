import NucleiTensor
import Testing

@Suite struct AutodiffTests {
    @Test func gradientsAccumulateOverFanOut() {
        // y = x + x  =>  dy/dx = 2 for every element.
        let x = Variable(Tensor(shape: [3], scalars: [1, 2, 3]), requiresGradient: true)
        Variable.add(x, x).backward()
        #expect(x.gradient?.scalars == [2, 2, 2])
    }

    @Test func nothingIsRecordedWithoutTrainableInputs() {
        let constant = Variable(Tensor(shape: [2], scalars: [-1, 2]))
        let output = Variable.relu(constant)
        #expect(!output.requiresGradient)
        #expect(output.value.scalars == [0, 2])
        output.backward()
        #expect(constant.gradient == nil)
    }

    @Test func frozenParameterGetsNoGradient() {
        let frozen = Variable(Tensor(shape: [2], scalars: [1, 1]), requiresGradient: false)
        let trained = Variable(Tensor(shape: [2], scalars: [3, 4]), requiresGradient: true)
        Variable.add(frozen, trained).backward()
        #expect(frozen.gradient == nil)
        #expect(trained.gradient?.scalars == [1, 1])
    }

    @Test func reluGradient() {
        let x = Variable(randomTensor([2, 3, 3, 2], seed: 1, margin: 0.05, avoiding: [0]), requiresGradient: true)
        expectGradientsMatchFiniteDifferences([x]) { Variable.relu($0[0]) }
    }

    @Test func relu6Gradient() {
        let x = Variable(randomTensor([2, 3, 3, 2], seed: 2, margin: 0.05, avoiding: [0]).map { $0 * 8 }, requiresGradient: true)
        expectGradientsMatchFiniteDifferences([x]) { Variable.relu6($0[0]) }
        #expect(Variable.relu6(Variable(Tensor(shape: [3], scalars: [-1, 3, 9]))).value.scalars == [0, 3, 6])
    }

    @Test func addGradient() {
        let a = Variable(randomTensor([2, 2, 2, 3], seed: 3), requiresGradient: true)
        let b = Variable(randomTensor([2, 2, 2, 3], seed: 4), requiresGradient: true)
        expectGradientsMatchFiniteDifferences([a, b]) { Variable.add($0[0], $0[1]) }
    }

    @Test func concatenateGradient() {
        let a = Variable(randomTensor([2, 2, 2, 3], seed: 5), requiresGradient: true)
        let b = Variable(randomTensor([2, 2, 2, 1], seed: 6), requiresGradient: true)
        expectGradientsMatchFiniteDifferences([a, b]) { Variable.concatenateChannels([$0[0], $0[1]]) }
        let joined = Tensor.concatenate(channels: [Tensor(shape: [1, 1, 2, 1], scalars: [1, 2]), Tensor(shape: [1, 1, 2, 2], scalars: [3, 4, 5, 6])])
        #expect(joined.scalars == [1, 3, 4, 2, 5, 6])
    }

    @Test func zeroPaddingForwardAndGradient() {
        let x = Variable(Tensor(shape: [1, 1, 2, 1], scalars: [7, 8]), requiresGradient: true)
        let padded = Variable.zeroPadding(x, top: 0, bottom: 1, left: 1, right: 0)
        #expect(padded.shape == [1, 2, 3, 1])
        #expect(padded.value.scalars == [0, 7, 8, 0, 0, 0])
        let y = Variable(randomTensor([2, 3, 2, 2], seed: 8), requiresGradient: true)
        expectGradientsMatchFiniteDifferences([y]) { Variable.zeroPadding($0[0], top: 1, bottom: 2, left: 0, right: 1) }
    }

    @Test func reshapeGradient() {
        let x = Variable(randomTensor([2, 6], seed: 9), requiresGradient: true)
        expectGradientsMatchFiniteDifferences([x]) { Variable.reshape($0[0], [3, 4]) }
    }
}
