/// Material parameters of one region.
public struct Material: Sendable, Equatable {
  /// Saturation magnetization Ms, A/m. Zero makes the region empty (no magnet).
  public var saturationMagnetization: Double
  /// Exchange stiffness A, J/m.
  public var exchangeStiffness: Double
  /// Gilbert damping α, dimensionless.
  public var damping: Double
  /// Non-adiabatic spin-transfer parameter β, dimensionless.
  public var nonAdiabaticity: Double
  /// Anisotropic non-adiabatic parameter δβ of the paper's Eq. (46), dimensionless.
  public var anisotropicNonAdiabaticity: Double
  /// Spin polarization P of the current, dimensionless.
  public var polarization: Double
  /// The gyromagnetic ratio γ of the precession −γ m × B, rad/(s·T)
  /// (γ0 = μ0 γ in m/(A·s)); γ_e by default.
  public var gyromagneticRatio: Double = PhysicalConstants.gammaLL
  /// Whether m is held fixed in this region (dm/dt = 0; it still acts on
  /// its neighbours through exchange, DMI and demag).
  public var frozen = false

  /// A material; spin-transfer parameters default to zero.
  public init(
    saturationMagnetization: Double, exchangeStiffness: Double, damping: Double,
    nonAdiabaticity: Double = 0, anisotropicNonAdiabaticity: Double = 0, polarization: Double = 0
  ) {
    self.saturationMagnetization = saturationMagnetization
    self.exchangeStiffness = exchangeStiffness
    self.damping = damping
    self.nonAdiabaticity = nonAdiabaticity
    self.anisotropicNonAdiabaticity = anisotropicNonAdiabaticity
    self.polarization = polarization
  }
}

/// The magnetic body: a grid, the region of every cell and each region's
/// material. Cells whose region has Ms = 0 are empty; that is how notches,
/// disks and tapered strips are made.
public struct Magnet: Sendable {
  /// The grid.
  public let grid: Grid
  /// Region index of every cell, `0..<materials.count`.
  public let regions: [Int]
  /// Material of each region.
  public let materials: [Material]
  /// Ms of every cell, A/m (0 in empty cells).
  public let saturationMagnetization: [Double]
  /// α of every cell.
  public let damping: [Double]
  /// Number of magnetic (Ms > 0) cells.
  public let magneticCellCount: Int
  /// The grid and mask as the fused local pass walks them, built once and
  /// shared by every term's pass.
  public let localGeometry: LocalGeometry
  /// α of every cell: one value when every magnetic region has the same α.
  public let dampingCoefficient: CellCoefficient
  /// γ/γ_e of every cell, or nil when every magnetic region has γ_e.
  public let gyroCoefficient: CellCoefficient?
  /// 0 in frozen cells and 1 elsewhere, or nil when no region is frozen.
  public let mobilityCoefficient: CellCoefficient?

  /// A magnet with one material everywhere.
  public init(grid: Grid, material: Material) {
    self.init(grid: grid, regions: [Int](repeating: 0, count: grid.cellCount), materials: [material])
  }

  /// A magnet with per-cell regions; every region index must name a material.
  public init(grid: Grid, regions: [Int], materials: [Material]) {
    precondition(regions.count == grid.cellCount, "one region index per cell")
    precondition(regions.allSatisfy { $0 >= 0 && $0 < materials.count }, "region index out of range")
    self.grid = grid
    self.regions = regions
    self.materials = materials
    self.saturationMagnetization = regions.map { materials[$0].saturationMagnetization }
    self.damping = regions.map { materials[$0].damping }
    self.magneticCellCount = saturationMagnetization.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
    localGeometry = LocalGeometry(grid: grid, saturationMagnetization: saturationMagnetization)
    dampingCoefficient = Self.coefficient(
      perRegion: materials.map(\.damping), materials: materials, regions: regions) { v, _ in v }
    let magnetic = materials.filter { $0.saturationMagnetization > 0 }
    gyroCoefficient =
      magnetic.allSatisfy { $0.gyromagneticRatio == PhysicalConstants.gammaLL }
      ? nil
      : Self.coefficient(
        perRegion: materials.map { $0.gyromagneticRatio / PhysicalConstants.gammaLL }, materials: materials,
        regions: regions) { v, _ in v }
    mobilityCoefficient =
      magnetic.contains(where: \.frozen)
      ? Self.coefficient(perRegion: materials.map { $0.frozen ? 0 : 1 }, materials: materials, regions: regions) { v, _ in v }
      : nil
  }

  /// True when cell `i`'s m is held fixed.
  @inlinable public func isFrozen(_ i: Int) -> Bool { materials[regions[i]].frozen }

  /// γ of cell `i`, rad/(s·T).
  public func gyromagneticRatio(_ i: Int) -> Double { materials[regions[i]].gyromagneticRatio }

  /// The largest γ of the magnetic regions, rad/(s·T).
  public var largestGyromagneticRatio: Double {
    materials.filter { $0.saturationMagnetization > 0 }.map(\.gyromagneticRatio).max() ?? PhysicalConstants.gammaLL
  }

  /// True when every cell holds magnetic material: the kernels' unmasked paths.
  public var allMagnetic: Bool { magneticCellCount == grid.cellCount }

  /// True when cell `i` holds magnetic material.
  @inlinable public func isMagnetic(_ i: Int) -> Bool { saturationMagnetization[i] > 0 }

  /// A per-cell array of a material property.
  public func perCell(_ property: (Material) -> Double) -> [Double] {
    let values = materials.map(property)
    return regions.map { values[$0] }
  }

  /// Sets m to zero in empty cells and normalises it elsewhere.
  public func clean(_ m: inout VectorField) {
    for i in 0..<grid.cellCount where !isMagnetic(i) { m[i] = .zero }
    m.normalize()
  }

  /// ⟨m⟩ over the magnetic cells (volume average).
  public func average(_ m: VectorField) -> SIMD3<Double> {
    var s = SIMD3<Double>(repeating: 0)
    for i in 0..<grid.cellCount where isMagnetic(i) { s += m[i] }
    return magneticCellCount > 0 ? s / Double(magneticCellCount) : s
  }
}

/// `v` in a form whose squared length is a normal floating-point number, or
/// nil when it has no direction (zero, or not finite). A vector that is
/// already fine is returned unchanged (so results stay bit-identical); one
/// whose |v|² would overflow or underflow, such as (1e300, 1e300, 0), is
/// divided by its largest component first.
public func directionScaled(_ v: SIMD3<Double>) -> SIMD3<Double>? {
  guard v.x.isFinite, v.y.isFinite, v.z.isFinite else { return nil }
  let s2 = v.x * v.x + v.y * v.y + v.z * v.z
  if s2.isNormal && s2.isFinite { return v }
  let scale = max(abs(v.x), abs(v.y), abs(v.z))
  guard scale > 0 else { return nil }
  return v / scale
}
