/// Something of the equation that changes in time with a profile (the
/// current, an applied field, the temperature, and whatever comes later):
/// it names the profiles whose jumps and kinks a step must not straddle.
/// The run loop ends a step on the next breakpoint of every one of them
/// (``LLG/timeProfiles(thermal:)``), so a new time-dependent term declares its
/// profile here and needs no change in the loop.
public protocol TimeDependent {
  /// The profiles s(t) this part of the equation follows (empty when none).
  var timeProfiles: [TimeProfile] { get }
}

extension TimeDependent {
  /// The first breakpoint strictly after `t` of any of ``timeProfiles``.
  public func nextBreakpoint(after t: Double) -> Double? {
    timeProfiles.compactMap { $0.nextBreakpoint(after: t) }.min()
  }
}

extension Drive: TimeDependent {
  public var timeProfiles: [TimeProfile] { [profile] }
}

extension ThermalNoise: TimeDependent {
  public var timeProfiles: [TimeProfile] { [profile] }
}
