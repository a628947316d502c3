import Objects

/// The admission chain's answer: allowed or not, every denial, the warnings, the audit
/// annotations, the object after defaulting, and what each policy did.
public struct AdmissionResponse: Sendable {
  /// The object after schema defaulting and pruning (nil for DELETE).
  public var object: Value?
  /// Schema errors of the object (CRD kinds), all of them.
  public var schemaErrors: [FieldError] = []
  /// Every denial: schema errors first, then policies in name order.
  public var denials: [AdmissionDenial] = []
  /// Warnings for the client (schema warnings, Warn actions).
  public var warnings: [String] = []
  /// Audit annotations (`policy/key`, and `validation.policy.admission.k8s.io/validation_failure`).
  public var auditAnnotations: [String: String] = [:]
  /// One entry per policy loaded, in name order.
  public var policies: [PolicyOutcome] = []

  public init(object: Value?) { self.object = object }

  /// True when nothing denied the request.
  public var allowed: Bool { denials.isEmpty }

  /// The message kube-apiserver would return: the first denial.
  public var message: String? { denials.first?.message }
}
