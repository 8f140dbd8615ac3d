import RealModule

/// The thermal field of Brown's stochastic LLG: white noise added to B_eff,
///
///     ⟨B_th,a(t) B_th,b(t′)⟩ = σ² δ_ab δ(t − t′),   σ² = 2 α k_B T / (γ_LL Ms V),
///
/// per cell (V the cell volume, α, Ms and T of its region). Over a step Δt
/// the field is held constant at σ ξ / √Δt with ξ three standard normal
/// numbers per cell.
///
/// The numbers are a function of (seed, step, cell) alone: a counter-based
/// generator (the SplitMix64 finaliser applied to the seed, the step index
/// and the cell's counter), turned into normals by Box–Muller. So a run is
/// the same to the last bit whatever the thread count or the process it
/// runs in, and a resumed run needs only the step index to continue the
/// same sequence.
public struct ThermalNoise: Sendable {
  /// The generator's seed.
  public let seed: UInt64
  /// σ of every cell, T·s^½ (0 in empty cells and where T = 0).
  public let strength: [Double]
  /// T(t) = T · max(0, s(t)).
  public let profile: TimeProfile

  /// The noise for `magnet` with the temperature `temperature` of every cell (K).
  public init(magnet: Magnet, temperature: [Double], seed: UInt64, profile: TimeProfile = .constant) {
    precondition(temperature.count == magnet.grid.cellCount, "one temperature per cell")
    let v = magnet.grid.cellVolume
    strength = (0..<temperature.count).map { i in
      let ms = magnet.saturationMagnetization[i]
      guard ms > 0, temperature[i] > 0, magnet.gyromagneticRatio(i) > 0 else { return 0 }
      return (2 * magnet.damping[i] * PhysicalConstants.boltzmann * temperature[i] / (magnet.gyromagneticRatio(i) * ms * v))
        .squareRoot()
    }
    self.seed = seed
    self.profile = profile
  }

  /// Whether any cell is at T > 0.
  public var isActive: Bool { strength.contains { $0 > 0 } }

  /// The field of step `step` (its index), which starts at `time` and lasts `dt`, into `b` (T).
  public func fill(_ b: inout VectorField, step: Int, time: Double, dt: Double) {
    let scale = (max(0, profile.value(at: time)) / dt).squareRoot()
    let key = Self.mix(seed ^ Self.mix(UInt64(truncatingIfNeeded: step)))
    let n = b.count
    strength.withUnsafeBufferPointer { sigma in
      b.withMutablePlanes { bx, by, bz in
        Parallel.forEachChunk(n) { range in
          for i in range {
            let s = sigma[i] * scale
            guard s > 0 else {
              bx[i] = 0
              by[i] = 0
              bz[i] = 0
              continue
            }
            let c = 4 * UInt64(i)
            let (n0, n1) = Self.normals(key, c)
            let (n2, _) = Self.normals(key, c + 2)
            bx[i] = s * n0
            by[i] = s * n1
            bz[i] = s * n2
          }
        }
      }
    }
  }

  /// Two standard normal numbers from the counters c and c + 1 (Box–Muller).
  @inline(__always)
  static func normals(_ key: UInt64, _ c: UInt64) -> (Double, Double) {
    // Uniforms in (0, 1]: log never sees 0.
    let u1 = Double((mix(key &+ c) >> 11) + 1) * 0x1.0p-53
    let u2 = Double(mix(key &+ c &+ 1) >> 11) * 0x1.0p-53
    let r = (-2 * Double.log(u1)).squareRoot()
    let a = 2 * Double.pi * u2
    return (r * Double.cos(a), r * Double.sin(a))
  }

  /// The SplitMix64 finaliser of z + the golden-ratio increment.
  @inline(__always)
  static func mix(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
