import Foundation
import Gilbert
import GilbertIO
import Testing

/// A small valid configuration; tests change one thing at a time.
let baseConfig = """
  [mesh]
  n = [16, 1, 1]
  cellsize = [2e-9, 2e-9, 2e-9]

  [material]
  Ms = 800000
  A = 1.3e-11
  alpha = 0.1

  [[anisotropy]]
  K1 = 5e5
  axis = [1, 0, 0]

  [run]
  duration = 1e-11
  sample_interval = 2.5e-12
  """

@Suite struct ConfigTests {
  func error(_ text: String, overrides: [(key: String, value: String)] = []) -> ConfigError? {
    configError(text, overrides: overrides)
  }

  @Test func baseConfigParsesWithIntegerMsAndDefaults() throws {
    let c = try SimulationConfig(toml: baseConfig)
    #expect(c.materials[0].saturationMagnetization == 8e5)
    #expect(c.grid.nx == 16 && c.grid.dx == 2e-9)
    #expect(c.solver.method == "rk43" && c.solver.tolerance == 1e-5)
    #expect(c.initial == .uniform(SIMD3(1, 0, 0)))
  }

  @Test func unknownKeyIsNamedWithTheValidOnes() {
    let e = error(baseConfig.replacingOccurrences(of: "alpha = 0.1", with: "alpha = 0.1\nalpah = 0.2"))
    #expect(e?.key == "material.alpah")
    #expect(e?.description.contains("valid keys here are") == true)
    #expect(e?.description.contains("alpha") == true)
    #expect(error(baseConfig + "\n[nonsense]\nx = 1\n")?.key == "nonsense")
  }

  @Test func wrongTypeIsNamed() {
    let e = error(baseConfig.replacingOccurrences(of: "A = 1.3e-11", with: "A = \"strong\""))
    #expect(e?.key == "material.A")
    #expect(e?.description.contains("a string") == true)
    #expect(error(baseConfig.replacingOccurrences(of: "n = [16, 1, 1]", with: "n = 16"))?.key == "mesh.n")
  }

  @Test func negativeMsIsRejected() {
    let e = error(baseConfig.replacingOccurrences(of: "Ms = 800000", with: "Ms = -8e5"))
    #expect(e?.key == "material.Ms")
    #expect(e?.description.contains("-800000") == true)
    #expect(e?.description.contains("A/m") == true)
  }

  @Test func nanAndInfinityAreRejected() {
    #expect(error(baseConfig.replacingOccurrences(of: "alpha = 0.1", with: "alpha = nan"))?.key == "material.alpha")
    #expect(error(baseConfig.replacingOccurrences(of: "K1 = 5e5", with: "K1 = inf"))?.key == "anisotropy[0].K1")
  }

  @Test func badChoicesAndShapesAreNamed() {
    #expect(error(baseConfig + "\n[solver]\nmethod = \"euler\"\n")?.key == "solver.method")
    #expect(error(baseConfig.replacingOccurrences(of: "n = [16, 1, 1]", with: "n = [16, 1, 0]"))?.key == "mesh.n[2]")
    #expect(
      error(baseConfig.replacingOccurrences(of: "n = [16, 1, 1]", with: "n = [65536, 65536, 65536]"))?.key == "mesh.n")
    // 2²¹ per axis: 2⁶³ cells, past Int: the message is written from the doubles, not a crash.
    let huge = error(baseConfig.replacingOccurrences(of: "n = [16, 1, 1]", with: "n = [2097152, 2097152, 2097152]"))
    #expect(huge?.key == "mesh.n")
    #expect(huge?.description.contains("9223372036854775808 cells") == true)
    #expect(error(baseConfig.replacingOccurrences(of: "[mesh]", with: "[meshh]"))?.key == "mesh")
    #expect(error("Ms = ")?.key == "(file)")
  }

  @Test func overridesReplaceValuesAndAreChecked() throws {
    let c = try SimulationConfig(
      toml: baseConfig, overrides: [("material.alpha", "0.02"), ("anisotropy[0].K1", "1e5"), ("solver.method", "rk4")])
    #expect(c.materials[0].damping == 0.02)
    #expect(c.anisotropies[0].constants == [1e5])
    #expect(c.solver.method == "rk4")
    // The resolved config is itself a valid config with the overrides in it.
    let again = try SimulationConfig(toml: c.resolvedText)
    #expect(
      again.materials[0].damping == 0.02 && again.anisotropies[0].constants == [1e5] && again.solver.method == "rk4")
    #expect(c.overrides == ["material.alpha=0.02", "anisotropy[0].K1=1e5", "solver.method=rk4"])
    #expect(error(baseConfig, overrides: [("material.alpha", "-1")])?.key == "material.alpha")
    #expect(error(baseConfig, overrides: [("material.alphx", "1")])?.key == "material.alphx")
  }

  @Test func regionsTakeTheirOwnParametersAndMsZeroMakesHoles() throws {
    let text =
      baseConfig.replacingOccurrences(of: "Ms = 800000", with: "Ms = [8e5, 0]")
      + "\n[[region]]\nindex = 1\nx = [1e-8, 1.6e-8]\n"
    let c = try SimulationConfig(toml: text)
    #expect(c.materials.count == 2)
    #expect(c.regionMap.filter { $0 == 1 }.count == 3)  // cell centres at 11, 13, 15 nm
    let bad = error(baseConfig.replacingOccurrences(of: "Ms = 800000", with: "Ms = [8e5, 0, 1]"))
    #expect(bad?.key == "material.Ms")
  }
}
