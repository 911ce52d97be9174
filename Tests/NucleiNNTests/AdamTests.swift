import NucleiNN
import Testing

@Suite struct AdamTests {
    @Test func oneStepMatchesHandComputation() {
        // g = 0.5, p = 1, lr 1e-3: m = 0.05, v = 0.00025,
        // alpha = 1e-3 * sqrt(1 - 0.999) / (1 - 0.9) = 3.16227766e-4,
        // p = 1 - alpha * 0.05 / (sqrt(0.00025) + 1e-7) = 1 - 9.99993675e-4 = 0.999000006.
        let p = Variable(Tensor(shape: [1], scalars: [1]), requiresGradient: true)
        p.gradient = Tensor(shape: [1], scalars: [0.5])
        let adam = Adam()
        adam.update([p])
        #expect(abs(p.value.scalars[0] - 0.999000006) < 1e-7)
        #expect(p.gradient == nil)
        #expect(abs(adam.moments(of: p)!.first.scalars[0] - 0.05) < 1e-7)
    }

    @Test func twoStepsMatchHandComputation() {
        // Step 2 with g = -1: m = 0.9*0.05 + 0.1*(-1) = -0.055; v = 0.999*0.00025 + 0.001 = 0.00124975;
        // alpha2 = 1e-3 * sqrt(1 - 0.999^2) / (1 - 0.81) = 2.35377e-4 (0.999^2 = 0.998001).
        let p = Variable(Tensor(shape: [1], scalars: [1]), requiresGradient: true)
        let adam = Adam()
        p.gradient = Tensor(shape: [1], scalars: [0.5])
        adam.update([p])
        let afterFirst = p.value.scalars[0]
        p.gradient = Tensor(shape: [1], scalars: [-1])
        adam.update([p])
        let alpha2 = 1e-3 * (1 - 0.998001).squareRoot() / (1 - 0.81)
        let expected = Double(afterFirst) - alpha2 * -0.055 / (0.00124975.squareRoot() + 1e-7)
        #expect(abs(Double(p.value.scalars[0]) - expected) < 1e-6)
    }
}
