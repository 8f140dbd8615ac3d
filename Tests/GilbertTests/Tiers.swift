import Testing

extension Tag {
  /// Long runs that check whole problems against published or model data.
  @Tag static var validation: Self
}

/// The validation tier: whole problems against published data and the (q, φ)
/// model (standard problems 4 and 5, wall speeds). Everything else is the
/// fast tier of unit tests. Run one tier with
/// `swift test -c release --disable-xctest --filter Validation` or
/// `--skip Validation`; CI runs both.
@Suite(.tags(.validation)) enum Validation {}
