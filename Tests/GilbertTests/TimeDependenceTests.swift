import Foundation
import Gilbert
import Testing

@Suite struct TimeDependenceTests {
  @Test func everyTimeDependentPartGivesItsBreakpoints() {
    // The run loop ends steps on the breakpoints of every profile the
    // equation follows: the current's, each applied field's and the
    // temperature's (which the loop used to leave out).
    let grid = Grid(nx: 4, ny: 1, dx: 1e-9, dy: 1e-9, dz: 1e-9)
    let magnet = Magnet(grid: grid, material: Material(saturationMagnetization: 8e5, exchangeStiffness: 1e-11, damping: 0.1))
    var drive = Drive(magnet: magnet, uniformVelocity: SIMD3(10, 0, 0))
    drive.profile = .pulse(start: 1e-9, length: 2e-9, rise: 0, fall: 0)
    let llg = LLG(
      magnet: magnet,
      fieldTerms: [
        Exchange(magnet: magnet),
        Zeeman(magnet: magnet, amplitude: SIMD3(0, 0, 0.01), profile: .table(times: [0.5e-9, 4e-9], values: [0, 1])),
        Zeeman(magnet: magnet, amplitude: SIMD3(0.01, 0, 0), profile: .pulse(start: 2e-9, length: 5e-9, rise: 0, fall: 0)),
      ],
      drive: drive)
    let heat = ThermalNoise(
      magnet: magnet, temperature: [300, 300, 300, 300], seed: 1, profile: .pulse(start: 1.5e-9, length: 1e-9, rise: 0, fall: 0))
    let profiles = llg.timeProfiles(thermal: heat)
    #expect(profiles.count == 4)
    let all = Set(profiles.flatMap(\.breakpoints))
    #expect(all == [1e-9, 1e-9 + 2e-9, 0.5e-9, 4e-9, 2e-9, 2e-9 + 5e-9, 1.5e-9, 1.5e-9 + 1e-9])
    func next(_ t: Double) -> Double? { profiles.compactMap { $0.nextBreakpoint(after: t) }.min() }
    #expect(next(1.2e-9) == 1.5e-9)  // the temperature's
    #expect(next(2.6e-9) == 1e-9 + 2e-9)
    #expect(next(7e-9) == nil)
  }
}
