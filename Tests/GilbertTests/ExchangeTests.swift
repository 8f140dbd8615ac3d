import Foundation
import Gilbert
import GilbertIO
import Testing

@Suite struct ExchangeTests {
  let a = 1.3e-11, ms = 8e5

  func spiral(grid: Grid, delta: Double, alongY: Bool = false) -> VectorField {
    var m = VectorField(count: grid.cellCount)
    for iy in 0..<grid.ny {
      for ix in 0..<grid.nx {
        let angle = delta * Double(alongY ? iy : ix)
        m[grid.index(ix, iy)] = SIMD3(cos(angle), sin(angle), 0)
      }
    }
    return m
  }

  @Test func spiralEnergyPerVolumeIsA2Minus2CosDeltaOverDx2() {
    // Periodic along x: every cell has two neighbours, so the closed form holds exactly.
    let n = 64
    let grid = Grid(nx: n, dx: 2e-9, dy: 3e-9, dz: 4e-9, periodicX: true)
    let magnet = Magnet(grid: grid, material: Material(saturationMagnetization: ms, exchangeStiffness: a, damping: 0.1))
    let ex = Exchange(magnet: magnet)
    for k in [1, 3, 8] {
      let delta = 2 * Double.pi * Double(k) / Double(n)
      let e = ex.energy(m: spiral(grid: grid, delta: delta), time: 0)
      let expected = a * (2 - 2 * cos(delta)) / (grid.dx * grid.dx) * grid.cellVolume * Double(n)
      // Round-off only: a sum of 64 terms of equal size.
      #expect(abs(e / expected - 1) < 1e-12, "k = \(k): \(e) vs \(expected)")
    }
  }

  @Test func spiralWithFreeEdgesHasOneBondFewer() {
    // Free (Neumann) edges: N − 1 bonds among N cells.
    let n = 50
    let grid = Grid(nx: 3, ny: n, dx: 2e-9, dy: 1.5e-9, dz: 4e-9)
    let magnet = Magnet(grid: grid, material: Material(saturationMagnetization: ms, exchangeStiffness: a, damping: 0.1))
    let delta = 0.1
    let e = Exchange(magnet: magnet).energy(m: spiral(grid: grid, delta: delta, alongY: true), time: 0)
    let expected = a * (2 - 2 * cos(delta)) / (grid.dy * grid.dy) * grid.cellVolume * Double(3 * (n - 1))
    #expect(abs(e / expected - 1) < 1e-12)
  }

  @Test func uniformMagnetizationHasNoExchangeFieldEvenNextToEmptyCells() {
    let grid = Grid(nx: 8, ny: 6, dx: 2e-9, dy: 2e-9, dz: 2e-9)
    // Region 1 is empty (Ms = 0): a notch.
    var regions = [Int](repeating: 0, count: grid.cellCount)
    regions[grid.index(3, 2)] = 1
    regions[grid.index(4, 2)] = 1
    let magnet = Magnet(
      grid: grid, regions: regions,
      materials: [
        Material(saturationMagnetization: ms, exchangeStiffness: a, damping: 0.1),
        Material(saturationMagnetization: 0, exchangeStiffness: 0, damping: 0),
      ])
    var m = VectorField(count: grid.cellCount, uniform: SIMD3(0.6, 0, 0.8))
    magnet.clean(&m)
    var b = VectorField(count: grid.cellCount)
    Exchange(magnet: magnet).addField(to: &b, m: m, time: 0)
    #expect(b.storage.allSatisfy { $0 == 0 })
  }

  @Test func fieldMatchesANaiveLaplacian() {
    // An independent reference: the textbook Neumann Laplacian written cell by cell.
    let grid = Grid(nx: 7, ny: 5, dx: 2e-9, dy: 3e-9, dz: 1e-9)
    let magnet = Magnet(grid: grid, material: Material(saturationMagnetization: ms, exchangeStiffness: a, damping: 0.1))
    var m = VectorField(count: grid.cellCount)
    for i in 0..<grid.cellCount { m[i] = SIMD3(sin(Double(i)), cos(3 * Double(i)), 0.5) }
    m.normalize()
    var b = VectorField(count: grid.cellCount)
    Exchange(magnet: magnet).addField(to: &b, m: m, time: 0)
    for iy in 0..<grid.ny {
      for ix in 0..<grid.nx {
        let c = m[grid.index(ix, iy)]
        func at(_ x: Int, _ y: Int) -> SIMD3<Double> {
          m[grid.index(min(max(x, 0), grid.nx - 1), min(max(y, 0), grid.ny - 1))]
        }
        let lapX: SIMD3<Double> = (at(ix - 1, iy) + at(ix + 1, iy) - 2 * c) / (grid.dx * grid.dx)
        let lapY: SIMD3<Double> = (at(ix, iy - 1) + at(ix, iy + 1) - 2 * c) / (grid.dy * grid.dy)
        let expected: SIMD3<Double> = (2 * a / ms) * (lapX + lapY)
        let d: SIMD3<Double> = b[grid.index(ix, iy)] - expected
        let scale: Double = (expected * expected).sum().squareRoot()
        // Round-off of a sum of differences of O(1) numbers scaled by 2A/(Ms d²).
        #expect((d * d).sum().squareRoot() <= 1e-12 * scale + 1e-9)
      }
    }
  }
}

/// `[[interface]]`: A between two regions in place of the harmonic mean.
@Suite struct InterfaceExchangeTests {
  /// A wire of 6 cells, regions 0 | 1 at the middle, the interface A < 0: a
  /// state with the halves antiparallel has the one interface bond's energy
  /// A_if |m_i − m_j|²/dx² V = 4 A_if V/dx² (negative), the rest zero; the
  /// harmonic mean would give +4 A V/dx².
  @Test func interfaceBondReplacesTheHarmonicMean() throws {
    let g = Grid(nx: 6, dx: 1e-9, dy: 1e-9, dz: 1e-9)
    let regions = [0, 0, 0, 1, 1, 1]
    let material = Material(saturationMagnetization: 8e5, exchangeStiffness: 1e-11, damping: 0.1)
    let magnet = Magnet(grid: g, regions: regions, materials: [material, material])
    var m = VectorField(count: 6, uniform: SIMD3(0, 0, 1))
    for i in 3..<6 { m[i] = SIMD3(0, 0, -1) }
    let aif = -2e-12
    let coupled = Exchange(magnet: magnet, interfaces: [RegionPair(1, 0): aif]).energy(m: m, time: 0)
    #expect(abs(coupled - 4 * aif * g.cellVolume / (g.dx * g.dx)) < 1e-12 * abs(coupled))
    let plain = Exchange(magnet: magnet).energy(m: m, time: 0)
    #expect(abs(plain - 4 * 1e-11 * g.cellVolume / (g.dx * g.dx)) < 1e-12 * plain)
  }

  /// Through the config: relaxing from a random state ends with each half
  /// uniform and the two antiparallel (no anisotropy: any common axis).
  @Test func negativeInterfaceRelaxesAntiparallel() throws {
    let text = """
      [mesh]
      n = [20, 1, 1]
      cellsize = [1e-9, 1e-9, 1e-9]
      [[region]]
      index = 1
      x = [10e-9, 20e-9]
      [material]
      Ms = 8e5
      A = 1e-11
      alpha = 0.5
      [[interface]]
      regions = [0, 1]
      A = -1e-12
      [initial]
      type = "random"
      seed = 3
      """
    var sim = try Simulation(config: try SimulationConfig(toml: text))
    let relaxer = Relaxer(torqueTolerance: 1e-6, maximumIterations: 200_000)
    let result = relaxer.relax(&sim.equation, m: &sim.m, time: 0, shouldStop: { false }, progress: nil)
    #expect(result.converged)
    // Each half uniform (the bulk A), the two antiparallel (the interface's A < 0).
    let a = sim.m[0], b = sim.m[19]
    #expect((a * b).sum() < -0.999)
    #expect((a * sim.m[9]).sum() > 0.999 && (b * sim.m[10]).sum() > 0.999)
    for (extra, key) in [
      ("[[interface]]\nregions = [0, 0]\nA = 1e-12", "interface[0].regions"),
      ("[[interface]]\nregions = [0, 2]\nA = 1e-12", "interface[0].regions[1]"),
    ] {
      let caught = configError(
        text.replacingOccurrences(of: "[[interface]]\nregions = [0, 1]\nA = -1e-12", with: extra))
      #expect(caught?.key == key, "\(extra): \(String(describing: caught))")
    }
  }
}

@Suite struct AnisotropyAndZeemanTests {
  @Test func uniaxialEnergyIsMinusK1CosSquared() {
    let grid = Grid(nx: 4, dx: 1e-9, dy: 1e-9, dz: 1e-9)
    let magnet = Magnet(
      grid: grid, material: Material(saturationMagnetization: 1e6, exchangeStiffness: 0, damping: 0.1))
    for k1 in [5e5, -2e5] {
      let term = UniaxialAnisotropy(magnet: magnet, constants: [k1], axis: SIMD3(0, 0, 2))
      let theta = 0.7
      let m = VectorField(count: 4, uniform: SIMD3(sin(theta), 0, cos(theta)))
      let e = term.energy(m: m, time: 0)
      let expected = -k1 * cos(theta) * cos(theta) * 4 * grid.cellVolume
      #expect(abs(e / expected - 1) < 1e-14)
    }
  }

  @Test func zeemanEnergyIsMinusMsMDotB() {
    let grid = Grid(nx: 2, dx: 1e-9, dy: 2e-9, dz: 3e-9)
    let magnet = Magnet(
      grid: grid, material: Material(saturationMagnetization: 1e6, exchangeStiffness: 0, damping: 0.1))
    let z = Zeeman(magnet: magnet, amplitude: SIMD3(0.1, 0.2, 0))
    let m = VectorField(count: 2, uniform: SIMD3(1, 0, 0))
    #expect(abs(z.energy(m: m, time: 0) / (-1e6 * 0.1 * 2 * grid.cellVolume) - 1) < 1e-14)
    let ac = Zeeman(magnet: magnet, amplitude: SIMD3(0, 0, 1), frequency: 1e9, phase: 0)
    #expect(abs(ac.field(at: 0.5e-9).z + 1) < 1e-12)
  }
}
