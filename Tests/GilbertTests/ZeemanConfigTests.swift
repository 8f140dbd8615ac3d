import Foundation
import Gilbert
import GilbertIO
import Testing

/// `[zeeman]` with B per region and a time profile.
@Suite struct ZeemanConfigTests {
  let base = """
    [mesh]
    n = [4, 2, 1]
    cellsize = [2e-9, 2e-9, 2e-9]
    [[region]]
    index = 1
    x = [4e-9, 8e-9]
    [material]
    Ms = 8e5
    A = 0
    alpha = 0.1
    """

  /// Each region gets its own B, times s(t) of the profile (a table here:
  /// linear between its points), and nothing else changes it.
  @Test func fieldPerRegionFollowsItsProfile() throws {
    let text =
      base + """

        [zeeman]
        B = [[0.1, 0, 0], [0, 0, -0.2]]
        time_profile = "table"
        table_t = [0, 1e-9]
        table_value = [1, 0]
        """
    let config = try SimulationConfig(toml: text)
    let sim = try Simulation(config: config)
    let zeeman = sim.equation.fieldTerms.compactMap { $0 as? Zeeman }
    #expect(zeeman.count == 1)
    var b = VectorField(count: config.grid.cellCount)
    zeeman[0].addField(to: &b, m: VectorField(count: config.grid.cellCount, uniform: SIMD3(0, 0, 1)), time: 0.25e-9)
    for i in 0..<config.grid.cellCount {
      let expected: SIMD3<Double> = config.regionMap[i] == 0 ? SIMD3(0.075, 0, 0) : SIMD3(0, 0, -0.15)
      #expect(abs(b[i].x - expected.x) < 1e-15 && abs(b[i].z - expected.z) < 1e-15, "cell \(i)")
    }
  }

  @Test func badFieldsAreNamed() {
    func key(_ zeeman: String) -> String? { configError(base + "\n[zeeman]\n" + zeeman + "\n")?.key }
    #expect(key("B = [[0.1, 0, 0]]") == "zeeman.B")  // two regions, one vector
    #expect(key("B = [[0.1, 0, 0], [0, 0]]") == "zeeman.B[1]")
    #expect(key("B = [0, 0, 1]\ntime_profile = \"sine\"") == "zeeman.frequency")
  }
}
