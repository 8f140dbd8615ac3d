import Foundation
import Gilbert
import GilbertIO
import Testing

/// Grids of several layers (Nz > 1): the demag tensor in 3D, exchange along
/// z, and a whole run through the config, each against a closed form or the
/// one-layer path it must reduce to.
@Suite struct ThreeDimensionalGridTests {
  /// Aharoni's demagnetising factor N_z of a uniformly magnetised prism
  /// 2a × 2b × 2c (J. Appl. Phys. 83, 3432 (1998), Eq. (1)).
  static func aharoni(_ a: Double, _ b: Double, _ c: Double) -> Double {
    let r = (a * a + b * b + c * c).squareRoot()
    let ab = (a * a + b * b).squareRoot(), bc = (b * b + c * c).squareRoot(), ac = (a * a + c * c).squareRoot()
    var t = (b * b - c * c) / (2 * b * c) * log((r - a) / (r + a))
    t += (a * a - c * c) / (2 * a * c) * log((r - b) / (r + b))
    t += b / (2 * c) * log((ab + a) / (ab - a)) + a / (2 * c) * log((ab + b) / (ab - b))
    t += c / (2 * a) * log((bc - b) / (bc + b)) + c / (2 * b) * log((ac - a) / (ac + a))
    t += 2 * atan(a * b / (c * r))
    t += (a * a * a + b * b * b - 2 * c * c * c) / (3 * a * b * c)
    t += (a * a + b * b - 2 * c * c) / (3 * a * b * c) * r
    t += c / (a * b) * (ac + bc)
    t -= (ab * ab * ab + bc * bc * bc + ac * ac * ac) / (3 * a * b * c)
    return t / Double.pi
  }

  @Test func aharoniFormulaHasItsLimits() {
    // A cube: 1/3 by symmetry; any prism: the three factors sum to 1.
    #expect(abs(Self.aharoni(1, 1, 1) - 1.0 / 3) < 1e-14)
    let sum = Self.aharoni(5, 2, 0.7) + Self.aharoni(2, 0.7, 5) + Self.aharoni(0.7, 5, 2)
    #expect(abs(sum - 1) < 1e-13)
  }

  /// The volume average of the Newell-tensor field of a uniformly magnetised
  /// prism of cells is the prism's factor exactly (the tensor is the exact
  /// cell-to-cell average), so the FFT convolution must reproduce Aharoni's
  /// factors to the kernel's accuracy (its near-field cancellation loses
  /// ~1e-12 relative at 8 cells; 1e-9 leaves room for the sum over cells).
  @Test(arguments: [(6, 4, 3), (5, 5, 5), (8, 2, 4)])
  func uniformPrismHasAharonisFactors(_ nx: Int, _ ny: Int, _ nz: Int) {
    let g = Grid(nx: nx, ny: ny, nz: nz, dx: 3e-9, dy: 2.5e-9, dz: 2e-9)
    let ms = 8e5
    let magnet = Magnet(grid: g, material: Material(saturationMagnetization: ms, exchangeStiffness: 0, damping: 0))
    let demag = Demag3D(magnet: magnet)
    let (a, b, c) = (Double(nx) * g.dx / 2, Double(ny) * g.dy / 2, Double(nz) * g.dz / 2)
    let factors = [Self.aharoni(b, c, a), Self.aharoni(c, a, b), Self.aharoni(a, b, c)]  // N_x, N_y, N_z
    for axis in 0..<3 {
      var d = SIMD3<Double>(repeating: 0)
      d[axis] = 1
      var field = VectorField(count: g.cellCount)
      demag.addField(to: &field, m: VectorField(count: g.cellCount, uniform: d), time: 0)
      var mean = SIMD3<Double>(repeating: 0)
      for i in 0..<g.cellCount { mean += field[i] }
      mean /= Double(g.cellCount)
      let n = -mean[axis] / (PhysicalConstants.mu0 * ms)
      #expect(abs(n - factors[axis]) < 1e-9 * factors[axis], "axis \(axis): \(n) vs \(factors[axis])")
      // The off-diagonal averages vanish by symmetry.
      for other in 0..<3 where other != axis { #expect(abs(mean[other]) < 1e-12 * PhysicalConstants.mu0 * ms) }
    }
  }

  /// On one layer the 3D convolution is the 2D one (the same kernel, the
  /// z-offset 0 only): equal to rounding, for a random state with holes and
  /// with periodic x.
  @Test(arguments: [false, true])
  func oneLayerEqualsTheFilmDemag(_ periodic: Bool) {
    let g = Grid(nx: 9, ny: 5, nz: 1, dx: 3e-9, dy: 2e-9, dz: 1.5e-9, periodicX: periodic)
    var regions = [Int](repeating: 0, count: g.cellCount)
    regions[g.index(2, 3)] = 1
    let magnet = Magnet(
      grid: g, regions: regions,
      materials: [
        Material(saturationMagnetization: 8e5, exchangeStiffness: 0, damping: 0),
        Material(saturationMagnetization: 0, exchangeStiffness: 0, damping: 0),
      ])
    var m = VectorField(count: g.cellCount)
    for i in 0..<g.cellCount {
      let a = Double(i) * 1.3, c = Double(i) * 0.7
      m[i] = SIMD3(sin(a) * cos(c), sin(a) * sin(c), cos(a))
    }
    var b2 = VectorField(count: g.cellCount), b3 = b2
    Demag(magnet: magnet, images: 3).addField(to: &b2, m: m, time: 0)
    Demag3D(magnet: magnet, images: 3).addField(to: &b3, m: m, time: 0)
    var worst = 0.0, scale = 0.0
    for i in 0..<g.cellCount {
      let d = b2[i] - b3[i]
      worst = max(worst, abs(d.x), abs(d.y), abs(d.z))
      scale = max(scale, abs(b2[i].x), abs(b2[i].y), abs(b2[i].z))
    }
    #expect(worst < 1e-12 * scale)
  }

  /// A helix along z, m = (cos kz, sin kz, 0) with δ = k dz per layer, has
  /// the exchange energy density A (2 − 2cos δ)/dz² in the inner layers
  /// (the six-neighbour Laplacian's bond energy) and half of one bond less
  /// per end layer: (Nz − 1) bonds over Nz layers.
  @Test func helixAlongZHasTheBondEnergy() {
    let g = Grid(nx: 3, ny: 2, nz: 8, dx: 2e-9, dy: 2e-9, dz: 1e-9)
    let a = 1.3e-11, ms = 8e5, delta = 0.3
    let magnet = Magnet(grid: g, material: Material(saturationMagnetization: ms, exchangeStiffness: a, damping: 0))
    var m = VectorField(count: g.cellCount)
    for i in 0..<g.cellCount {
      let z = Double(g.cell(i).iz) * delta
      m[i] = SIMD3(cos(z), sin(z), 0)
    }
    let energy = Exchange(magnet: magnet).energy(m: m, time: 0)
    let bonds = Double(g.nx * g.ny * (g.nz - 1))
    let expected = bonds * a * (2 - 2 * cos(delta)) / (g.dz * g.dz) * g.cellVolume
    #expect(abs(energy - expected) < 1e-12 * expected)
  }

  /// A state uniform through the thickness stays so, and without demag
  /// (exchange, anisotropy, Zeeman, DMI, Zhang–Li, all in-plane) a film of
  /// three layers evolves exactly as the same film one cell thick: the same
  /// table and final m to rounding, through the config, the initial state's
  /// tiling, regions with a z range covering every layer, and the output.
  @Test func layeredFilmWithoutDemagEqualsOneLayer() throws {
    func config(_ nz: Int) -> String {
      """
      [mesh]
      n = [24, 6, \(nz)]
      cellsize = [2e-9, 2e-9, 1e-9]
      [material]
      Ms = [8e5, 6e5]
      A = 1.3e-11
      alpha = 0.1
      beta = 0.2
      [[region]]
      index = 1
      x = [20e-9, 40e-9]
      z = [0, 5e-9]
      [[anisotropy]]
      K1 = 5e5
      axis = [0, 0, 1]
      [dmi]
      D = 1e-3
      [zeeman]
      B = [0.02, 0, 0.01]
      [current]
      u = [150, 0, 0]
      [initial]
      type = "vortex"
      [run]
      duration = 5e-11
      sample_interval = 2.5e-11
      [solver]
      tolerance = 1e-6
      max_dt = 1e-11   # given: the stability cap (3× lower with dz = 1 nm layers) would differ between the grids
      """
    }
    func finalState(_ nz: Int) throws -> VectorField {
      let path = temporaryPath("layers\(nz).h5")
      let config = try SimulationConfig(toml: config(nz))
      let report = try Runner.run(config: config, outputPath: path, overwrite: true)
      #expect(report.outcome == .completed)
      return try TrajectoryReader.frame(path: path, index: -1, grid: config.grid)
    }
    let thin = try finalState(1), thick = try finalState(3)
    let n = 24 * 6
    var worst = 0.0
    for layer in 0..<3 {
      for i in 0..<n {
        let d = thick[layer * n + i] - thin[i]
        worst = max(worst, abs(d.x), abs(d.y), abs(d.z))
      }
    }
    // The same arithmetic per layer; only the adaptive step's error norm could
    // differ (it is a max over cells, the same max): equal to rounding.
    #expect(worst < 1e-12)
  }

  @Test func wallTrackingImplicitAndTransportRefuseLayers() throws {
    let base = """
      [mesh]
      n = [20, 1, 2]
      cellsize = [1e-9, 1e-9, 1e-9]
      [material]
      Ms = 8e5
      A = 1.3e-11
      alpha = 0.1
      """
    let cases: [(String, String)] = [
      (
        "[initial]\ntype = \"wall\"\nwall = \"head-to-head\"\n[[anisotropy]]\nK1 = 5e5\naxis = [1, 0, 0]",
        "initial.type"
      ),
      ("[solver]\nmethod = \"implicit\"", "solver.method"),
      ("[current]\nu = [0, 0, 10]", "current.u"),
    ]
    for (extra, key) in cases {
      let caught = configError(base + "\n" + extra)
      #expect(caught?.key == key, "\(extra): \(String(describing: caught))")
    }
  }

  /// `[region_map]` gives each cell its region from an HDF5 dataset; boxes
  /// apply on top; bad maps are named by key.
  @Test func regionMapFromAFile() throws {
    let path = temporaryPath("regions.h5")
    // 4 × 3 × 2 cells: region 1 in the upper layer, region 2 in one column.
    var values = [Double](repeating: 0, count: 24)
    for i in 12..<24 { values[i] = 1 }
    values[3] = 2
    let f = try HDF5File(creating: path, overwrite: true)
    try f.writeDataset("/regions", doubles: values, shape: [2, 3, 4])
    try f.writeDataset("/bad", doubles: [Double](repeating: 0.5, count: 24), shape: [2, 3, 4])
    try f.writeDataset("/short", doubles: [Double](repeating: 0, count: 12), shape: [3, 4])
    f.close()
    let base = """
      [mesh]
      n = [4, 3, 2]
      cellsize = [1e-9, 1e-9, 1e-9]
      [material]
      Ms = [8e5, 6e5, 0, 4e5]
      A = 1e-11
      alpha = 0.1
      [region_map]
      path = "\(path)"
      """
    let config = try SimulationConfig(
      toml: base + "\n[[region]]\nindex = 3\nx = [2e-9, 3e-9]\ny = [0, 1e-9]\nz = [1e-9, 2e-9]\n")
    var expected = values.map { Int($0) }
    expected[config.grid.index(2, 0, 1)] = 3  // the box, on top of the map
    #expect(config.regionMap == expected)
    for (extra, key) in [
      ("dataset = \"/bad\"", "region_map.dataset"), ("dataset = \"/short\"", "region_map.dataset"),
      ("dataset = \"/none\"", "region_map.dataset"),
    ] {
      #expect(configError(base + "\n" + extra + "\n")?.key == key, "\(extra)")
    }
  }
}
