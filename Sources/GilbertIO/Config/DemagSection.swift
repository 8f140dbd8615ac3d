import Gilbert

/// The `[demag]` settings.
public enum DemagSettings: Sendable, Equatable {
  /// FFT convolution with the Newell tensor; `images` periodic copies each side along x.
  case fft(images: Int)
  /// Local shape anisotropy with demagnetising factors (N_x, N_y, N_z).
  case local(SIMD3<Double>)

  /// Whether the stray field is an FFT convolution (its padded spectra count in the memory estimate).
  public var isFFT: Bool { if case .fft = self { true } else { false } }
}

/// `[demag]`: the stray field, by FFT (`method = "fft"`, `images`) or as an
/// explicit local shape anisotropy (`method = "local"`, `factors`).
public struct DemagSection: TermSection {
  public static let physics = "the demagnetising field ([demag])"
  /// The method and its settings.
  public let settings: DemagSettings
  /// `remove_end_charges = [mx_left, mx_right]`: m_x of the two end domains
  /// whose face charges are cancelled (``EndChargeField``), or nil.
  public let endDomains: (left: Double, right: Double)?

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> DemagSection? {
    guard let d = try root.table("demag") else { return nil }
    let method = try d.string("method", default: "fft", choices: ["fft", "local"])
    let settings: DemagSettings
    if method == "local" {
      let f = try d.numbers("factors", count: 3, valid: { $0 >= 0 }, expected: "demagnetising factors ≥ 0")
      guard abs(f.reduce(0, +) - 1) < 1e-6 else {
        throw ConfigError(
          key: "demag.factors",
          message: "is \(f), which sums to \(f.reduce(0, +)); demagnetising factors of a body sum to 1")
      }
      settings = .local(SIMD3(f[0], f[1], f[2]))
    } else {
      settings = .fft(
        images: try d.int(
          "images", default: 10, valid: { $0 >= 0 && $0 <= 1000 },
          expected: "an integer from 0 to 1000 (periodic images each side)"))
    }
    var ends: (Double, Double)? = nil
    if d.has("remove_end_charges") {
      let expected =
        "an array [mx_left, mx_right] of the end domains' m_x, each in [−1, 1] ([1, -1] for a head-to-head wall)"
      if case .bool? = d.raw("remove_end_charges") {
        throw ConfigError(key: "demag.remove_end_charges", message: "is a boolean; give \(expected)")
      }
      let e = try d.numbers("remove_end_charges", count: 2, valid: { abs($0) <= 1 }, expected: expected)
      guard case .fft = settings else {
        throw ConfigError(
          key: "demag.remove_end_charges",
          message: "needs method = \"fft\": the local shape anisotropy has no ends to cancel")
      }
      guard !(try context.grid).periodicX else {
        throw ConfigError(
          key: "demag.remove_end_charges", message: "needs open x ends; the grid is periodic along x (mesh.periodic_x)")
      }
      guard (try context.grid).nz == 1 else {
        throw ConfigError(
          key: "demag.remove_end_charges",
          message:
            "needs a grid one cell thick (mesh.n has Nz = \((try context.grid).nz)); its face fields are those of a strip")
      }
      ends = (e[0], e[1])
    }
    try d.finish()
    return DemagSection(settings: settings, endDomains: ends)
  }

  public func fieldTerms(magnet: Magnet) -> [any FieldTerm] {
    switch settings {
    case .fft(let images):
      if magnet.grid.nz > 1 { return [Demag3D(magnet: magnet, images: images)] }
      guard let (left, right) = endDomains else { return [Demag(magnet: magnet, images: images)] }
      return [Demag(magnet: magnet, images: images), EndChargeField(magnet: magnet, left: left, right: right)]
    case .local(let factors): return [ShapeAnisotropy(magnet: magnet, factors: factors)]
    }
  }

  public var parameters: [RegionParameter] {
    guard let (left, right) = endDomains else { return [] }
    return [RegionParameter("remove_end_charges", [left, right], unit: "")]
  }
}
