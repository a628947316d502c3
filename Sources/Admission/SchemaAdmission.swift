import Objects

/// What schema admission found for one object: every error (the object is refused when
/// there is any) and warnings (such as unknown fields dropped when not strict).
public struct SchemaAdmission: Sendable {
  /// Every error, worded as kube-apiserver words it.
  public var errors: [FieldError]
  /// Warnings for the client.
  public var warnings: [String]

  /// A result with these errors and warnings.
  public init(errors: [FieldError] = [], warnings: [String] = []) {
    self.errors = errors
    self.warnings = warnings
  }

  /// True when there are no errors.
  public var allowed: Bool { errors.isEmpty }
}
