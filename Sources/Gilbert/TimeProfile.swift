import RealModule

/// A dimensionless factor s(t) that multiplies a drive's amplitude (the
/// current of `[current]`, the temperature of `[temperature]`).
///
/// - `constant`: s = 1.
/// - `pulse`: 0 before `start`; rises linearly to 1 over `rise`; 1 until
///   `start + length − fall`; falls linearly to 0 at `start + length`; 0
///   after. `length` is the whole pulse, ramps included, so ∫ s dt =
///   length − (rise + fall)/2. A ramp of 0 is a jump (s is 1 at `start`).
/// - `sine`: s = sin(2π f t + φ).
/// - `table`: piecewise linear through (tᵢ, sᵢ), held at the first and last
///   value outside the table.
public enum TimeProfile: Sendable, Equatable {
  case constant
  case pulse(start: Double, length: Double, rise: Double, fall: Double)
  case sine(frequency: Double, phase: Double)
  case table(times: [Double], values: [Double])

  /// Whether s(t) = 1 at all times.
  public var isConstant: Bool { self == .constant }

  /// s(t).
  public func value(at t: Double) -> Double {
    switch self {
    case .constant:
      return 1
    case .pulse(let start, let length, let rise, let fall):
      let end = start + length
      if t < start || t >= end { return 0 }
      if t < start + rise { return (t - start) / rise }
      if t < end - fall { return 1 }
      return (end - t) / fall
    case .sine(let f, let phase):
      return Double.sin(2 * Double.pi * f * t + phase)
    case .table(let times, let values):
      guard t > times[0] else { return values[0] }
      guard t < times[times.count - 1] else { return values[values.count - 1] }
      // The last tᵢ ≤ t (tables are short; a binary search keeps long ones cheap).
      var lo = 0, hi = times.count - 1
      while hi - lo > 1 {
        let mid = (lo + hi) / 2
        if times[mid] <= t { lo = mid } else { hi = mid }
      }
      let w = (t - times[lo]) / (times[hi] - times[lo])
      return values[lo] + w * (values[hi] - values[lo])
    }
  }

  /// The times where s(t) has a jump or a kink, in increasing order: an
  /// adaptive step must not straddle them (it could step over a whole
  /// pulse), so the run ends a step on each.
  public var breakpoints: [Double] {
    switch self {
    case .constant, .sine:
      return []
    case .pulse(let start, let length, let rise, let fall):
      return Array(Set([start, start + rise, start + length - fall, start + length])).sorted()
    case .table(let times, _):
      return times
    }
  }

  /// The first breakpoint strictly after `t`, if any.
  public func nextBreakpoint(after t: Double) -> Double? {
    breakpoints.first { $0 > t }
  }

  /// ∫ s dt from `a` to `b` (exact: piecewise linear profiles are summed
  /// piece by piece, the sine in closed form).
  public func integral(from a: Double, to b: Double) -> Double {
    guard b > a else { return 0 }
    switch self {
    case .constant:
      return b - a
    case .sine(let f, let phase):
      let w = 2 * Double.pi * f
      return (Double.cos(w * a + phase) - Double.cos(w * b + phase)) / w
    case .pulse, .table:
      // Linear between breakpoints: the trapezoid rule is exact on each piece.
      let knots = [a] + breakpoints.filter { $0 > a && $0 < b } + [b]
      var sum = 0.0
      for k in 1..<knots.count {
        let (t0, t1) = (knots[k - 1], knots[k])
        // Just inside each piece, so a jump at a knot takes the piece's own side.
        let e = 1e-12 * (t1 - t0)
        sum += 0.5 * (value(at: t0 + e) + value(at: t1 - e)) * (t1 - t0)
      }
      return sum
    }
  }
}
