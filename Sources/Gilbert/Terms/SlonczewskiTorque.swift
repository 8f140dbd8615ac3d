/// Slonczewski's spin-transfer torque of a current J (A/m²) through a fixed
/// layer of polarisation direction p into the free layer of thickness t,
/// as OOMMF's `Oxs_SpinXferEvolve` and mumax3 define it:
///
///     T = γ b [ε m × (p × m) − ε′ m × p]                              (rad/s)
///     b = ħ J / (e Ms t)  (T),   ε = P Λ² / ((Λ² + 1) + (Λ² − 1) m·p)
///
/// (OOMMF's β = b/μ0 in A/m). J > 0 (electrons from the fixed layer into
/// the free one) pulls m towards p. In the Gilbert equation it is the field
///
///     B = b [ε m × p + ε′ p] · s(t)                                   (T)
///
/// whose torque −γ m × B is T. P, Λ, ε′, J and p are per region. The term
/// does work but stores no energy: its energy is reported as 0.
public struct SlonczewskiTorque: FieldTerm {
  public let name: String
  public let kernel: Kernel
  let pass: LocalPass

  /// b = ħ J/(e Ms t), T.
  public static func fieldScale(currentDensity j: Double, thickness: Double, saturationMagnetization ms: Double)
    -> Double
  {
    PhysicalConstants.reducedPlanck * j / (PhysicalConstants.elementaryCharge * ms * thickness)
  }

  /// The torque in `magnet` with J, P, Λ, ε′ and p per region (one value
  /// applies to all), free-layer thickness `thickness` (m).
  public init(
    magnet: Magnet, currentDensity j: [Double], thickness: Double, polarization p: [Double], lambda: [Double],
    epsilonPrime: [Double], fixedLayer: [SIMD3<Double>], profile: TimeProfile = .constant,
    name: String = "slonczewski"
  ) {
    self.name = name
    let regions = magnet.materials.count
    func value(_ a: [Double], _ r: Int) -> Double { a.count == 1 ? a[0] : a[r] }
    let js = (0..<regions).map { value(j, $0) }
    func coefficient(_ f: @escaping (Int) -> Double) -> CellCoefficient {
      magnet.coefficient(perRegion: (0..<regions).map(f)) { v, ms in ms > 0 ? v : 0 }
    }
    let l2 = (0..<regions).map { value(lambda, $0) * value(lambda, $0) }
    kernel = Kernel(
      b: magnet.coefficient(perRegion: js) { j, ms in
        ms > 0 ? Self.fieldScale(currentDensity: j, thickness: thickness, saturationMagnetization: ms) : 0
      },
      numerator: coefficient { value(p, $0) * l2[$0] }, sum: coefficient { l2[$0] + 1 },
      difference: coefficient { l2[$0] - 1 }, epsilonPrime: coefficient { value(epsilonPrime, $0) },
      p: CellVector(
        magnet: magnet,
        perRegion: fixedLayer.map { v in
          let n = (v * v).sum().squareRoot()
          return n > 0 ? v / n : v
        }), profile: profile)
    pass = LocalPass(magnet: magnet, fields: [.kernel(.slonczewski(kernel))], torques: [])
  }

  public func addField(to b: inout VectorField, m: VectorField, time: Double) {
    pass.addField(to: &b, m: m, time: time)
  }

  public func energy(m: VectorField, time: Double) -> Double { 0 }
  public func energyDensity(m: VectorField, time: Double) -> [Double] { [Double](repeating: 0, count: m.count) }
  public var fused: FusedField? { .slonczewski(kernel) }
  public var timeProfiles: [TimeProfile] { [kernel.profile] }

  /// s(t) b [ε m × p + ε′ p] of cell(s) i, added to `b` (T).
  @inline(__always)
  static func add<L: Lane>(_ m: Vec3<L>, _ k: Cell, _ i: Int, to b: inout Vec3<L>) {
    let p: Vec3<L> = k.p.lane(i)
    let epsilon = k.numerator.lane(i) / (k.sum.lane(i) + k.difference.lane(i) * dot(m, p))
    let s = L.splat(k.scale) * k.b.lane(i)
    b += (s * epsilon) * cross(m, p) + (s * k.epsilonPrime.lane(i)) * p
  }

  /// b/Ms-free coefficient ħJ/(e Ms t) (T), PΛ², Λ² + 1, Λ² − 1, ε′, p and s(t).
  public struct Kernel: Sendable {
    let b: CellCoefficient, numerator: CellCoefficient, sum: CellCoefficient, difference: CellCoefficient
    let epsilonPrime: CellCoefficient
    let p: CellVector
    let profile: TimeProfile
    let data: PinnedValue<Cell.Data>
    init(
      b: CellCoefficient, numerator: CellCoefficient, sum: CellCoefficient, difference: CellCoefficient,
      epsilonPrime: CellCoefficient, p: CellVector, profile: TimeProfile
    ) {
      (self.b, self.numerator, self.sum, self.difference) = (b, numerator, sum, difference)
      (self.epsilonPrime, self.p, self.profile) = (epsilonPrime, p, profile)
      data = PinnedValue(
        Cell.Data(
          b: b.view, numerator: numerator.view, sum: sum.view, difference: difference.view,
          epsilonPrime: epsilonPrime.view, p: p.view))
    }
    func cell(at time: Double) -> Cell { Cell(data: UnsafePointer(data.pointer), scale: profile.value(at: time)) }
  }

  /// The kernel as the pass reads it: a pointer to its coefficients, and s(t).
  public struct Cell: @unchecked Sendable {
    let data: UnsafePointer<Data>
    let scale: Double
    struct Data {
      let b: Coefficient, numerator: Coefficient, sum: Coefficient, difference: Coefficient
      let epsilonPrime: Coefficient
      let p: CellVector.View
    }
    var b: Coefficient { @inline(__always) get { data.pointee.b } }
    var numerator: Coefficient { @inline(__always) get { data.pointee.numerator } }
    var sum: Coefficient { @inline(__always) get { data.pointee.sum } }
    var difference: Coefficient { @inline(__always) get { data.pointee.difference } }
    var epsilonPrime: Coefficient { @inline(__always) get { data.pointee.epsilonPrime } }
    var p: CellVector.View { @inline(__always) get { data.pointee.p } }
  }
}
