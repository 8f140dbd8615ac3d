/// A named material parameter: one number for every region, or one per
/// region, with its unit. Terms expand it per cell; the writer stores it under
/// `/parameters/<name>` as it is (a scalar, or an array over regions). A
/// vector parameter (an axis, an applied field) uses the same type with its
/// three components as the values.
public struct RegionParameter: Sendable, Equatable {
  /// The name in `/parameters` (`Ms`, `K1`, `D`).
  public let name: String
  /// The unit, ASCII (`A/m`, `J/m^3`; "" when dimensionless).
  public let unit: String
  /// One value, or one per region.
  public let values: [Double]

  /// A parameter with the given values.
  public init(_ name: String, _ values: [Double], unit: String) {
    self.name = name
    self.values = values
    self.unit = unit
  }

  /// The value in region `r`.
  @inlinable public func value(region r: Int) -> Double { values.count == 1 ? values[0] : values[r] }

  /// One value per region, for `regions` regions.
  public func expanded(regions: Int) -> RegionParameter {
    RegionParameter(name, (0..<regions).map { value(region: $0) }, unit: unit)
  }

  /// The value of every cell of `magnet`.
  public func perCell(_ magnet: Magnet) -> [Double] { magnet.regions.map { value(region: $0) } }
}
