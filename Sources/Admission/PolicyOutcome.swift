/// What one policy did to one request, for `mooring policy test` and for tooling.
public struct PolicyOutcome: Sendable, Hashable {
  public var policy: String
  /// True when the policy matched the request, a binding matched, and its match conditions
  /// held (or it failed to configure): its validations were evaluated.
  public var applied: Bool
  /// Its denials (Deny action, or failures under failurePolicy Fail).
  public var denials: [AdmissionDenial]
  /// Its warnings (Warn action).
  public var warnings: [String]
  /// Messages of failed validations recorded for audit only (Audit action).
  public var audited: [String]

  public init(
    policy: String, applied: Bool = false, denials: [AdmissionDenial] = [],
    warnings: [String] = [], audited: [String] = []
  ) {
    self.policy = policy
    self.applied = applied
    self.denials = denials
    self.warnings = warnings
    self.audited = audited
  }
}
