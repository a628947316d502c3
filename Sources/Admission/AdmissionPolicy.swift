import Objects

/// A ValidatingAdmissionPolicy (`admissionregistration.k8s.io/v1`), decoded and checked
/// for shape. Its CEL is compiled separately (`PolicyCompiler`).
public struct AdmissionPolicy: Sendable {
  /// What to do when the policy cannot be evaluated.
  public enum FailurePolicy: String, Sendable, Hashable, CaseIterable {
    /// Deny the request (the default).
    case fail = "Fail"
    /// Ignore the policy.
    case ignore = "Ignore"
  }

  /// `spec.paramKind`.
  public struct ParamKind: Sendable, Hashable {
    public var apiVersion: String
    public var kind: String
    public init(apiVersion: String, kind: String) {
      self.apiVersion = apiVersion
      self.kind = kind
    }
  }

  /// A named CEL expression (`matchConditions`, `variables`).
  public struct NamedExpression: Sendable, Hashable {
    public var name: String
    public var expression: String
  }

  /// `spec.validations[i]`.
  public struct Validation: Sendable, Hashable {
    public var expression: String
    public var message: String?
    public var messageExpression: String?
    /// An HTTP status reason (`Unauthorized`, `Forbidden`, `Invalid`,
    /// `RequestEntityTooLarge`); Invalid when absent.
    public var reason: String?
  }

  /// `spec.auditAnnotations[i]`.
  public struct AuditAnnotation: Sendable, Hashable {
    public var key: String
    public var valueExpression: String
  }

  public var name: String
  public var uid: String?
  public var resourceVersion: String?
  public var failurePolicy: FailurePolicy
  public var paramKind: ParamKind?
  public var matchConstraints: MatchResources
  public var matchConditions: [NamedExpression]
  public var variables: [NamedExpression]
  public var validations: [Validation]
  public var auditAnnotations: [AuditAnnotation]
  /// The object it was decoded from, for cache keys.
  public var source: Value

  /// Decodes a ValidatingAdmissionPolicy object.
  ///
  /// - Throws: `AdmissionConfigurationError` listing every field error.
  public init(_ value: Value) throws(AdmissionConfigurationError) {
    var d = AdmissionDecoding()
    let metadata = d.object(value["metadata"], "metadata")
    name = d.string(metadata?["name"], "metadata.name", required: true) ?? ""
    uid = metadata?["uid"]?.stringValue
    resourceVersion = metadata?["resourceVersion"]?.stringValue
    source = value
    let specPath: ValuePath = "spec"
    let spec = d.object(value["spec"], specPath) ?? .map(ValueMap())
    failurePolicy = d.choice(spec["failurePolicy"], "spec.failurePolicy", default: .fail)
    if let pk = d.object(spec["paramKind"], "spec.paramKind") {
      paramKind = ParamKind(
        apiVersion: d.string(pk["apiVersion"], "spec.paramKind.apiVersion", required: true) ?? "",
        kind: d.string(pk["kind"], "spec.paramKind.kind", required: true) ?? "")
    } else {
      paramKind = nil
    }
    if let mc = d.object(spec["matchConstraints"], "spec.matchConstraints") {
      matchConstraints = MatchResources(value: mc, path: "spec.matchConstraints", decoding: &d)
      if matchConstraints.resourceRules.isEmpty {
        d.errors.append(
          .required(
            "spec.matchConstraints.resourceRules",
            "resourceRules is required"))
      }
    } else {
      matchConstraints = MatchResources()
      d.errors.append(.required("spec.matchConstraints"))
    }
    matchConditions = Self.named(spec["matchConditions"], "spec.matchConditions", &d)
    variables = Self.named(spec["variables"], "spec.variables", &d)
    let vPath: ValuePath = "spec.validations"
    validations = d.list(spec["validations"], vPath).enumerated().map { i, v in
      let p = vPath.appending(i)
      let reason = d.string(v["reason"], p.appending("reason"))
      if let reason,
        !["Unauthorized", "Forbidden", "Invalid", "RequestEntityTooLarge"].contains(reason)
      {
        d.errors.append(
          .notSupported(
            p.appending("reason"), .string(reason),
            ["Unauthorized", "Forbidden", "Invalid", "RequestEntityTooLarge"]))
      }
      return Validation(
        expression: d.string(v["expression"], p.appending("expression"), required: true) ?? "",
        message: d.string(v["message"], p.appending("message")),
        messageExpression: d.string(v["messageExpression"], p.appending("messageExpression")),
        reason: reason)
    }
    let aPath: ValuePath = "spec.auditAnnotations"
    auditAnnotations = d.list(spec["auditAnnotations"], aPath).enumerated().map { i, a in
      let p = aPath.appending(i)
      return AuditAnnotation(
        key: d.string(a["key"], p.appending("key"), required: true) ?? "",
        valueExpression: d.string(
          a["valueExpression"], p.appending("valueExpression"), required: true)
          ?? "")
    }
    if validations.isEmpty && auditAnnotations.isEmpty {
      d.errors.append(
        .required(
          "spec.validations", "validations or auditAnnotations must contain at least one item"))
    }
    var seen = Set<String>()
    for (i, v) in variables.enumerated() where !seen.insert(v.name).inserted {
      d.errors.append(.duplicate(vPath.appending(i).appending("name"), .string(v.name)))
    }
    guard d.errors.isEmpty else {
      throw AdmissionConfigurationError(
        kind: "ValidatingAdmissionPolicy", name: name, fieldErrors: d.errors)
    }
  }

  private static func named(
    _ value: Value?, _ path: ValuePath, _ d: inout AdmissionDecoding
  ) -> [NamedExpression] {
    d.list(value, path).enumerated().map { i, e in
      let p = path.appending(i)
      return NamedExpression(
        name: d.string(e["name"], p.appending("name"), required: true) ?? "",
        expression: d.string(e["expression"], p.appending("expression"), required: true) ?? "")
    }
  }
}
