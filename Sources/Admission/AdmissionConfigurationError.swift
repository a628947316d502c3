import Objects

/// A policy, binding, CRD or parameter object that cannot be used: its kind, name and
/// every field error, and (for CEL) every compile error with its position.
public struct AdmissionConfigurationError: Error, Sendable, CustomStringConvertible {
  /// `ValidatingAdmissionPolicy`, `ValidatingAdmissionPolicyBinding`, ...
  public var kind: String
  public var name: String
  public var fieldErrors: [FieldError]
  public var compileErrors: [PolicyCompileError]

  public init(
    kind: String, name: String, fieldErrors: [FieldError] = [],
    compileErrors: [PolicyCompileError] = []
  ) {
    self.kind = kind
    self.name = name
    self.fieldErrors = fieldErrors
    self.compileErrors = compileErrors
  }

  /// One line per problem: `ValidatingAdmissionPolicy 'p': spec.x: Required value`.
  public var description: String {
    (fieldErrors.map { "\(kind) '\(name)': \($0)" } + compileErrors.map(\.description))
      .joined(separator: "\n")
  }

  /// The problems as kube-apiserver's configuration error text (no kind and name).
  var summary: String {
    (fieldErrors.map(\.description) + compileErrors.map(\.summary)).joined(separator: "; ")
  }
}
