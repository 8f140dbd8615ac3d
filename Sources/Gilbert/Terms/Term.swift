/// A contribution to the effective field B_eff = μ0 H_eff, in tesla.
///
/// Terms are built from a ``Magnet`` and keep what they need (per-cell
/// coefficients); adding the field is one pass over the grid.
public protocol FieldTerm: Sendable {
  /// Short name: `exchange` gives the output names `B_exchange`, `E_exchange`.
  var name: String { get }
  /// Adds this term's field (T) at time `time` (s) for the magnetization `m`.
  func addField(to b: inout VectorField, m: VectorField, time: Double)
  /// The energy (J) of the magnetization `m` at time `time`.
  func energy(m: VectorField, time: Double) -> Double
  /// The energy density (J/m³) of every cell.
  func energyDensity(m: VectorField, time: Double) -> [Double]
  /// Whether a cell's field depends only on the cell and its grid
  /// neighbours (true by default; demag is not). The stiff solver's
  /// preconditioner is built from the local terms alone.
  var isLocal: Bool { get }
  /// This term's slot in the fused local pass (``LocalPass``), or nil: then
  /// its field is computed by its own loop before the pass and added where
  /// the term stands (non-local terms, local terms without a kernel).
  var fused: FusedField? { get }
  /// For a term with measured FFT plans (demag): whether they came from
  /// stored wisdom (so a resumed run takes the same plans); nil for a term
  /// without such plans.
  var plansFromWisdom: Bool? { get }
  /// The profiles this term's field follows in time (an applied field's); empty by default.
  var timeProfiles: [TimeProfile] { get }
}

extension FieldTerm {
  public var isLocal: Bool { true }
  public var fused: FusedField? { nil }
  public var plansFromWisdom: Bool? { nil }
  public var timeProfiles: [TimeProfile] { [] }
}

/// A contribution to the torque T of the Gilbert equation that is not a field
/// (spin-transfer torques), in rad/s. The LLG solver maps the total
/// T = −γ m × B + Σ T_term to dm/dt = (T + α m × T)/(1 + α²).
///
/// A current-driven torque holds only its coefficients; the current itself is
/// the equation's ``Drive``, passed in at every evaluation.
public protocol TorqueTerm: Sendable {
  /// Short name, used in output.
  var name: String { get }
  /// Adds this term's torque (rad/s) to `torque` for the magnetization `m`
  /// under the current `drive`.
  func addTorque(to torque: inout VectorField, m: VectorField, time: Double, drive: Drive)
  /// This torque's slot in the fused local pass, or nil: then its torque is
  /// computed by its own loop before the pass and added after the fused torques.
  var fused: FusedTorque? { get }
}

extension TorqueTerm {
  public var fused: FusedTorque? { nil }
}

/// Field terms whose energy density is −k Ms m·B (k = 1/2 for terms linear
/// in m, such as exchange and anisotropy; k = 1 for the Zeeman energy).
public protocol LinearFieldTerm: FieldTerm {
  /// The prefactor k of the energy density −k Ms m·B.
  var energyFactor: Double { get }
  /// Ms of every cell, A/m.
  var saturationMagnetization: [Double] { get }
  /// The cell volume, m³.
  var cellVolume: Double { get }
}

extension LinearFieldTerm {
  /// Energy density −k Ms m·B of every cell, J/m³.
  public func energyDensity(m: VectorField, time: Double) -> [Double] {
    var density = [Double](repeating: 0, count: m.count)
    forEachDensity(m: m, time: time) { density[$0] = $1 }
    return density
  }

  /// Energy −k ∫ Ms m·B dV, J: the densities summed in cell order as they
  /// are computed (the sum of ``energyDensity(m:time:)``, without its
  /// array: a table row of a 1024² film built three of 8 MB).
  public func energy(m: VectorField, time: Double) -> Double {
    var total = 0.0
    forEachDensity(m: m, time: time) { total += $1 }
    return total * cellVolume
  }

  /// Calls `body` with each cell and its density −k Ms m·B, in cell order.
  @inline(__always)
  func forEachDensity(m: VectorField, time: Double, _ body: (Int, Double) -> Void) {
    var b = VectorField(count: m.count)
    addField(to: &b, m: m, time: time)
    let k = energyFactor
    let n = m.count
    saturationMagnetization.withUnsafeBufferPointer { ms in
      m.withPlanes { mx, my, mz in
        b.withPlanes { bx, by, bz in
          for i in 0..<n { body(i, -k * ms[i] * (mx[i] * bx[i] + my[i] * by[i] + mz[i] * bz[i])) }
        }
      }
    }
  }
}
