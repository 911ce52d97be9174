import NucleiFigures
import Testing

private func expectTicks(
    _ scale: NiceScale, step: Double, ticks: [Double], sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(abs(scale.step - step) < 1e-12, "step \(scale.step)", sourceLocation: sourceLocation)
    #expect(scale.ticks.count == ticks.count, "ticks \(scale.ticks)", sourceLocation: sourceLocation)
    for (actual, expected) in zip(scale.ticks, ticks) {
        #expect(abs(actual - expected) < 1e-12, "ticks \(scale.ticks)", sourceLocation: sourceLocation)
    }
    #expect(scale.lower == scale.ticks.first && scale.upper == scale.ticks.last, sourceLocation: sourceLocation)
}

@Test func accuracyRangeGetsStepsOfOneFifth() {
    // Raw step 0.93 / 5 = 0.186 -> 0.2; 0.93 rounds out to 1.0.
    let scale = NiceScale(min: 0, max: 0.93)
    expectTicks(scale, step: 0.2, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1.0])
    #expect(scale.ticks.map(scale.label) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
}

@Test func lossRangeRoundsOutToMultiplesOfTheStep() {
    // Raw step (0.7 - 0.0891) / 5 = 0.122 -> 0.2; 0.0891 down to 0, 0.7 up to 0.8.
    expectTicks(NiceScale(min: 0.0891, max: 0.7), step: 0.2, ticks: [0, 0.2, 0.4, 0.6, 0.8])
}

@Test func narrowRangeGetsStepsOfFiveThousandths() {
    // Raw step 0.0126 / 5 = 0.00252 -> 0.005.
    let scale = NiceScale(min: 0.9512, max: 0.9638)
    expectTicks(scale, step: 0.005, ticks: [0.95, 0.955, 0.96, 0.965])
    #expect(scale.fractionDigits == 3)
    #expect(scale.ticks.map(scale.label) == ["0.950", "0.955", "0.960", "0.965"])
}

@Test func epochsOneToHundredGetStepsOfTwenty() {
    let scale = NiceScale(min: 1, max: 100, integerStep: true)
    expectTicks(scale, step: 20, ticks: [0, 20, 40, 60, 80, 100])
    #expect(scale.label(40) == "40")
}

@Test func negativeRange() {
    // Raw step 10 / 5 = 2 exactly.
    expectTicks(NiceScale(min: -3, max: 7), step: 2, ticks: [-4, -2, 0, 2, 4, 6, 8])
}

@Test func integerStepIsAtLeastOne() {
    expectTicks(NiceScale(min: 1, max: 3, integerStep: true), step: 1, ticks: [1, 2, 3])
}

@Test func constantValuesAreWidenedByTenPercent() {
    // 0.5 -> 0.45 ... 0.55, raw step 0.02 -> 0.02, rounded out to 0.44 ... 0.56.
    expectTicks(NiceScale(min: 0.5, max: 0.5), step: 0.02, ticks: [0.44, 0.46, 0.48, 0.5, 0.52, 0.54, 0.56])
    // 0 -> -1 ... 1, raw step 0.4 -> 0.5.
    expectTicks(NiceScale(min: 0, max: 0), step: 0.5, ticks: [-1, -0.5, 0, 0.5, 1])
}

@Test func nonFiniteBoundsFallBackToTheUnitRange() {
    expectTicks(NiceScale(min: .nan, max: 3), step: 0.2, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1.0])
}

@Test(arguments: [
    (0.186, 0.2), (1.0, 1.0), (10.0, 10.0), (3.0, 5.0), (7.0, 10.0), (0.001, 0.001),
    (0.0011, 0.002), (19.8, 20.0), (250.0, 500.0), (0.3, 0.5),
])
func nicestStepNotBelowTheRawStep(raw: Double, expected: Double) {
    #expect(abs(NiceScale.niceStep(atLeast: raw) - expected) < expected * 1e-12)
}

@Test(arguments: [
    (0.2, 1, "0.2"), (-0.05, 2, "-0.05"), (-0.0001, 2, "0.00"), (1234.5, 0, "1235"),
    (0.955, 3, "0.955"), (0.04, 1, "0.0"), (0.06, 1, "0.1"), (7.0, 0, "7"), (-12.25, 1, "-12.3"),
])
func fixedPointFormatting(value: Double, digits: Int, expected: String) {
    #expect(NiceScale.format(value, fractionDigits: digits) == expected)
}

@Test func fractionDigitsFollowTheStep() {
    #expect(NiceScale(min: 0, max: 1).fractionDigits == 1) // step 0.2
    #expect(NiceScale(min: 0, max: 0.2).fractionDigits == 2) // step 0.05
    #expect(NiceScale(min: 0, max: 100).fractionDigits == 0) // step 20
    #expect(NiceScale(min: 0, max: 5).fractionDigits == 0) // step 1
}
