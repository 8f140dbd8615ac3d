/// A vector of every cell as the fused pass reads it: one vector, or three
/// per-cell components (a direction given per region).
public struct CellVector: Sendable {
  let x: CellCoefficient, y: CellCoefficient, z: CellCoefficient

  /// The vector of each region (`values[r]`, or one for all) in every cell of `magnet`.
  public init(magnet: Magnet, perRegion values: [SIMD3<Double>]) {
    func component(_ k: Int) -> CellCoefficient {
      magnet.coefficient(perRegion: values.map { $0[k] }) { v, ms in ms > 0 ? v : 0 }
    }
    (x, y, z) = (component(0), component(1), component(2))
  }

  var view: View { View(x: x.view, y: y.view, z: z.view) }

  struct View: @unchecked Sendable {
    let x: Coefficient, y: Coefficient, z: Coefficient
    @inline(__always) func lane<L: Lane>(_ i: Int) -> Vec3<L> { Vec3(x.lane(i), y.lane(i), z.lane(i)) }
  }
}

/// The spin–orbit torques of a current in a heavy metal next to the
/// ferromagnet (Documentation/Physics.md):
///
///     T = τ_DL m × (m × σ) + τ_FL m × σ,   τ = γ ħ ξ j / (2 e Ms t_F)     (rad/s)
///
/// with ξ_DL, ξ_FL the damping-like and field-like efficiencies (a spin Hall
/// angle θ_SH is ξ_DL = θ_SH), j the heavy metal's current density (A/m²),
/// t_F the ferromagnet's thickness and σ the spin polarisation, ẑ × ĵ by
/// default (the heavy metal below). It enters the Gilbert equation as the
/// field
///
///     B = −(ħ j / (2 e Ms t_F)) (ξ_DL m × σ + ξ_FL σ) · s(t)                (T)
///
/// whose torque −γ m × B is T: magnum.np's `SpinOrbitTorque` (p = σ,
/// η_damp = ξ_DL, η_field = ξ_FL, je = j, d = t_F) and BORIS's `SOTfield`
/// (p = ẑ × J, SHA = ξ_DL, flSOT = ξ_FL/ξ_DL) write the same. Since
/// m × (m × σ) = −σ⊥, ξ_DL j > 0 turns m away from σ. The term does work
/// but stores no energy: its energy is reported as 0.
public struct SpinOrbitTorque: FieldTerm {
  public let name: String
  public let kernel: Kernel
  let pass: LocalPass

  /// −ħ j/(2 e Ms t_F), T: the field b_DL = ξ_DL times it, b_FL = ξ_FL times it.
  public static func fieldPerEfficiency(currentDensity j: Double, thickness: Double, saturationMagnetization ms: Double)
    -> Double
  {
    -PhysicalConstants.reducedPlanck * j / (2 * PhysicalConstants.elementaryCharge * ms * thickness)
  }

  /// The torques in `magnet` with the coefficients b_DL = −ħ ξ_DL j/(2 e Ms t_F)
  /// and b_FL (T) of each region (given as ξ per region) and σ per region.
  public init(
    magnet: Magnet, currentDensity j: Double, thickness: Double, dampingLike: [Double], fieldLike: [Double],
    polarization: [SIMD3<Double>], profile: TimeProfile = .constant, name: String = "sot"
  ) {
    self.name = name
    func field(_ xi: Double, _ ms: Double) -> Double {
      ms > 0 ? xi * Self.fieldPerEfficiency(currentDensity: j, thickness: thickness, saturationMagnetization: ms) : 0
    }
    kernel = Kernel(
      dampingLike: magnet.coefficient(perRegion: dampingLike, field),
      fieldLike: magnet.coefficient(perRegion: fieldLike, field),
      sigma: CellVector(magnet: magnet, perRegion: polarization), profile: profile)
    pass = LocalPass(magnet: magnet, fields: [.kernel(.spinOrbit(kernel))], torques: [])
  }

  public func addField(to b: inout VectorField, m: VectorField, time: Double) {
    pass.addField(to: &b, m: m, time: time)
  }

  public func energy(m: VectorField, time: Double) -> Double { 0 }
  public func energyDensity(m: VectorField, time: Double) -> [Double] { [Double](repeating: 0, count: m.count) }
  public var fused: FusedField? { .spinOrbit(kernel) }
  public var timeProfiles: [TimeProfile] { [kernel.profile] }

  /// s(t) (b_DL m × σ + b_FL σ) of cell(s) i, added to `b` (T).
  @inline(__always)
  static func add<L: Lane>(_ m: Vec3<L>, _ k: Cell, _ i: Int, to b: inout Vec3<L>) {
    let s: Vec3<L> = k.sigma.lane(i)
    let scale = L.splat(k.scale)
    b += (scale * k.dampingLike.lane(i)) * cross(m, s) + (scale * k.fieldLike.lane(i)) * s
  }

  /// b_DL, b_FL (T), σ and s(t).
  public struct Kernel: Sendable {
    let dampingLike: CellCoefficient, fieldLike: CellCoefficient
    let sigma: CellVector
    let profile: TimeProfile
    let data: PinnedValue<Cell.Data>
    init(dampingLike: CellCoefficient, fieldLike: CellCoefficient, sigma: CellVector, profile: TimeProfile) {
      (self.dampingLike, self.fieldLike, self.sigma, self.profile) = (dampingLike, fieldLike, sigma, profile)
      data = PinnedValue(Cell.Data(dampingLike: dampingLike.view, fieldLike: fieldLike.view, sigma: sigma.view))
    }
    func cell(at time: Double) -> Cell { Cell(data: UnsafePointer(data.pointer), scale: profile.value(at: time)) }
  }

  /// The kernel as the pass reads it: a pointer to b_DL, b_FL and σ, and s(t).
  public struct Cell: @unchecked Sendable {
    let data: UnsafePointer<Data>
    let scale: Double
    struct Data {
      let dampingLike: Coefficient, fieldLike: Coefficient
      let sigma: CellVector.View
    }
    var dampingLike: Coefficient { @inline(__always) get { data.pointee.dampingLike } }
    var fieldLike: Coefficient { @inline(__always) get { data.pointee.fieldLike } }
    var sigma: CellVector.View { @inline(__always) get { data.pointee.sigma } }
  }
}
