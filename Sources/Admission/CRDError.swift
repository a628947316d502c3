import Objects

/// A CustomResourceDefinition that cannot be served: every problem found, each with its
/// path in the CRD.
public struct CRDError: Error, Sendable, CustomStringConvertible {
  /// The CRD's `metadata.name`, when it has one.
  public var name: String
  /// Every problem, in the order found.
  public var errors: [FieldError]

  /// An error for the CRD `name` with these problems.
  public init(name: String, errors: [FieldError]) {
    self.name = name
    self.errors = errors
  }

  /// Kubernetes' wording: `CustomResourceDefinition.apiextensions.k8s.io "foos.example.com"
  /// is invalid: [first, second]` (no brackets for a single problem).
  public var description: String {
    let list =
      errors.count == 1
      ? errors[0].description : "[" + errors.map(\.description).joined(separator: ", ") + "]"
    return
      "CustomResourceDefinition.apiextensions.k8s.io \(JSON.encode(.string(name))) is invalid: \(list)"
  }
}
