import Foundation
import Gilbert
import GilbertIO
import Testing

/// N independent macrospins (no exchange) of a (2 nm)³ cell, Ms = 8e5 A/m,
/// at 300 K, with the given field terms; integrated by stochastic Heun from
/// directions uniform on the sphere. Returns m at the end.
private func macrospins(
  count n: Int, alpha: Double, dt: Double, duration: Double, seed: UInt64 = 7, temperature: Double = 300,
  terms: (Magnet) -> [any FieldTerm]
) throws -> VectorField {
  let material = Material(saturationMagnetization: 8e5, exchangeStiffness: 0, damping: alpha)
  let magnet = Magnet(grid: Grid(nx: n, dx: 2e-9, dy: 2e-9, dz: 2e-9), material: material)
  var llg = LLG(magnet: magnet, fieldTerms: terms(magnet))
  var m = VectorField(count: n)
  var rng = SplitMix64(seed: 99)
  for i in 0..<n {
    let z = 2 * rng.nextUnit() - 1, phi = 2 * Double.pi * rng.nextUnit()
    m[i] = SIMD3((1 - z * z).squareRoot() * cos(phi), (1 - z * z).squareRoot() * sin(phi), z)
  }
  let noise = ThermalNoise(
    magnet: magnet, temperature: [Double](repeating: temperature, count: n), seed: seed)
  var stepper = StochasticHeun<LLG>(cellCount: n, timeStep: dt, noise: noise)
  var t = 0.0
  while t < duration { try stepper.step(&llg, m: &m, time: &t, limit: duration) }
  return m
}

/// The Kolmogorov–Smirnov distance between the sample `x` and the CDF `cdf`.
private func ksDistance(_ x: [Double], _ cdf: (Double) -> Double) -> Double {
  let s = x.sorted()
  let n = Double(s.count)
  var d = 0.0
  for (k, v) in s.enumerated() {
    let f = cdf(v)
    d = max(d, abs(f - Double(k) / n), abs(Double(k + 1) / n - f))
  }
  return d
}

/// The CDF of m_z for p(m_z) ∝ exp(σ m_z²) on [−1, 1] (Boltzmann in the
/// well −K V m_z², σ = K V / k_B T; uniform in m_z = cos θ is the sphere's
/// measure), by the trapezoid rule on 4000 intervals.
private func boltzmannCDF(sigma: Double) -> (Double) -> Double {
  let k = 4000
  let xs = (0...k).map { -1 + 2 * Double($0) / Double(k) }
  var c = [0.0]
  for j in 1...k {
    let (a, b) = (xs[j - 1], xs[j])
    c.append(c[j - 1] + 0.5 * (exp(sigma * a * a) + exp(sigma * b * b)) * (b - a))
  }
  let total = c[k]
  return { x in
    let f = (x + 1) / 2 * Double(k)
    let j = min(k - 1, max(0, Int(f)))
    let w = f - Double(j)
    return ((1 - w) * c[j] + w * c[j + 1]) / total
  }
}

@Suite struct ThermalConfigTests {
  static let base = """
    [mesh]
    n = [64, 1, 1]
    cellsize = [2e-9, 2e-9, 2e-9]
    [material]
    Ms = 8e5
    A = 1.3e-11
    alpha = 0.1
    [[anisotropy]]
    K1 = 5e5
    axis = [1, 0, 0]
    [initial]
    type = "wall"
    wall = "head-to-head"
    [run]
    duration = 2e-11
    sample_interval = 1e-12
    [temperature]
    T = 300
    seed = 42

    """

  @Test func deterministicAdaptiveSolversAndTheContinuousFrameRefuseATemperature() {
    let key = { (text: String) in configError(text)?.key }
    #expect(key(Self.base) == "solver.method")  // rk43 by default
    #expect(key(Self.base + "[solver]\nmethod = \"implicit\"\n") == "solver.method")
    #expect(
      key(Self.base + "[solver]\nmethod = \"stochastic_heun\"\ndt = 1e-14\n[wall]\nmoving_frame = \"continuous\"\n")
        == "wall.moving_frame")
    #expect(key(Self.base.replacingOccurrences(of: "T = 300", with: "T = -1")) == "temperature.T")
    #expect(key(Self.base + "[solver]\nmethod = \"stochastic_heun\"\ndt = 1e-14\n") == nil)
    // At T = 0 any solver will do.
    #expect(key(Self.base.replacingOccurrences(of: "T = 300", with: "T = 0")) == nil)
  }

  @Test func theSameSeedGivesTheSameFileAndTheTableRecordsT() throws {
    let config = try writeConfig(
      "thermal-\(UUID().uuidString).toml", Self.base + "[solver]\nmethod = \"stochastic_heun\"\ndt = 1e-14\n")
    let a = temporaryPath("thermal-a-\(UUID().uuidString).h5"), b = temporaryPath("thermal-b-\(UUID().uuidString).h5")
    defer { for p in [config, a, b] { try? FileManager.default.removeItem(atPath: p) } }
    for out in [a, b] {
      let r = try runGilbert(["run", config, "--output", out, "--force"])
      try #require(r.status == 0, "\(r.stderr)")
    }
    try expectSameRun(a, b, fields: ["m"])
    #expect(try tableColumn(a, "T").allSatisfy { $0 == 300 })
    // The noise moved the wall's cells: ⟨m_y⟩ is not exactly 0 as at T = 0.
    #expect(try tableColumn(a, "my").last! != 0)
  }

  @Test func theNoiseOfACellDoesNotDependOnTheGridSizeOrTheThreads() {
    // 40000 cells are filled by two threads, 10 by one; cell i's numbers
    // depend only on (seed, step, i).
    let material = Material(saturationMagnetization: 8e5, exchangeStiffness: 0, damping: 0.1)
    func field(_ n: Int) -> VectorField {
      let magnet = Magnet(grid: Grid(nx: n, dx: 2e-9, dy: 2e-9, dz: 2e-9), material: material)
      var b = VectorField(count: n)
      ThermalNoise(magnet: magnet, temperature: [Double](repeating: 300, count: n), seed: 5)
        .fill(&b, step: 17, time: 0, dt: 1e-14)
      return b
    }
    let big = field(40000), small = field(10)
    #expect((0..<10).allSatisfy { big[$0] == small[$0] })
  }
}

extension Validation {
  /// Brown's thermal field under stochastic Heun against equilibrium statistics.
  @Suite struct ThermalTests {
    static let kT = PhysicalConstants.boltzmann * 300
    static let volume = 8e-27
    /// K V = 2 k_B T at 300 K.
    static let k1 = 2 * kT / volume

    @Test(arguments: [(0.2, 5e-15), (0.5, 5e-15), (0.2, 1e-14)])
    func aMacrospinInAUniaxialWellSamplesBoltzmann(alpha: Double, dt: Double) throws {
      // 3000 independent spins after 6 relaxation times (1 + α²)/(α γ B_K)
      // (B_K = 2K/Ms = 2.6 T; γ B_K dt ≤ 0.005): one snapshot is 3000
      // independent samples. α and Δt are varied by 2.5× and 2×.
      let n = 3000
      let tau = (1 + alpha * alpha) / (alpha * PhysicalConstants.gammaLL * 2 * Self.k1 / 8e5)
      let m = try macrospins(count: n, alpha: alpha, dt: dt, duration: 6 * tau) { magnet in
        [UniaxialAnisotropy(magnet: magnet, constants: [Self.k1], axis: SIMD3(0, 0, 1))]
      }
      let mz = (0..<n).map { m[$0].z }
      // Kolmogorov–Smirnov at the 0.1 % level: D < 1.95/√n = 0.036.
      let critical = 1.95 / Double(n).squareRoot()
      let d = ksDistance(mz, boltzmannCDF(sigma: 2))
      #expect(d < critical, "α = \(alpha), dt = \(dt): D = \(d) against Boltzmann at T, critical \(critical)")
      // The same test tells a factor 2 in the noise variance apart: the
      // distributions at 2T and T/2 are rejected. Measured at seed 7: D =
      // 0.011–0.018 against T, 0.070–0.082 against 2T, 0.126–0.133 against T/2.
      #expect(ksDistance(mz, boltzmannCDF(sigma: 1)) > critical)
      #expect(ksDistance(mz, boltzmannCDF(sigma: 4)) > critical)
    }

    @Test(arguments: [(0.2, 5e-15), (0.5, 5e-15), (0.2, 1e-14)])
    func aMacrospinInAFieldFollowsTheLangevinFunction(alpha: Double, dt: Double) throws {
      // ξ = Ms V B/(k_B T) = 3: ⟨m_z⟩ = coth ξ − 1/ξ = 0.6716.
      let xi = 3.0
      let b = xi * Self.kT / (8e5 * Self.volume)
      let n = 3000
      let tau = (1 + alpha * alpha) / (alpha * PhysicalConstants.gammaLL * b)
      let m = try macrospins(count: n, alpha: alpha, dt: dt, duration: 8 * tau) { magnet in
        [Zeeman(magnet: magnet, amplitude: SIMD3(0, 0, b))]
      }
      let mz = (0..<n).map { m[$0].z }
      let mean = mz.reduce(0, +) / Double(n)
      let variance = mz.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)
      let error = (variance / Double(n)).squareRoot()  // ≈ 0.0055
      let langevin = 1 / tanh(xi) - 1 / xi
      // 4 standard errors (≈ 0.024). A factor 2 in the variance (ξ = 1.5 or 6)
      // moves ⟨m_z⟩ to 0.438 or 0.834, ≥ 0.16 away. Measured at seed 7:
      // 0.674, 0.669, 0.662 (within 1.6 standard errors).
      #expect(
        abs(mean - langevin) < 4 * error, "α = \(alpha), dt = \(dt): ⟨m_z⟩ = \(mean) ± \(error), L(ξ) = \(langevin)")
    }

    @Test func theSameSeedGivesTheSameRunAndAnotherSeedAnother() throws {
      let run = { (seed: UInt64) in
        try macrospins(count: 50, alpha: 0.1, dt: 5e-15, duration: 1e-12, seed: seed) { magnet in
          [UniaxialAnisotropy(magnet: magnet, constants: [Self.k1], axis: SIMD3(0, 0, 1))]
        }.storage
      }
      #expect(try run(3) == run(3))
      #expect(try run(3) != run(4))
    }
  }
}
