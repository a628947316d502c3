import Objects

/// A ValidatingAdmissionPolicyBinding (`admissionregistration.k8s.io/v1`): which policy,
/// with which parameters, narrowed to which resources, enforced how.
public struct AdmissionPolicyBinding: Sendable {
  /// What a failed validation does.
  public enum ValidationAction: String, Sendable, Hashable, CaseIterable {
    /// Reject the request.
    case deny = "Deny"
    /// Return a warning to the client.
    case warn = "Warn"
    /// Record the failure in the audit event's annotations.
    case audit = "Audit"
  }

  /// What happens when a `paramRef` finds no parameter object.
  public enum ParameterNotFoundAction: String, Sendable, Hashable, CaseIterable {
    /// Evaluate nothing: the binding admits.
    case allow = "Allow"
    /// Fail the binding (then the policy's failurePolicy decides).
    case deny = "Deny"
  }

  /// `spec.paramRef`.
  public struct ParamRef: Sendable {
    public var name: String?
    public var namespace: String?
    public var selector: LabelSelector?
    public var parameterNotFoundAction: ParameterNotFoundAction
  }

  public var name: String
  public var policyName: String
  public var paramRef: ParamRef?
  /// nil: every request the policy matches.
  public var matchResources: MatchResources?
  public var validationActions: [ValidationAction]

  /// Decodes a ValidatingAdmissionPolicyBinding object.
  ///
  /// - Throws: `AdmissionConfigurationError` listing every field error.
  public init(_ value: Value) throws(AdmissionConfigurationError) {
    var d = AdmissionDecoding()
    let metadata = d.object(value["metadata"], "metadata")
    name = d.string(metadata?["name"], "metadata.name", required: true) ?? ""
    let spec = d.object(value["spec"], "spec") ?? .map(ValueMap())
    policyName = d.string(spec["policyName"], "spec.policyName", required: true) ?? ""
    if let ref = d.object(spec["paramRef"], "spec.paramRef") {
      let refName = d.string(ref["name"], "spec.paramRef.name")
      let selector = d.object(ref["selector"], "spec.paramRef.selector").map {
        d.selector($0, "spec.paramRef.selector")
      }
      if refName != nil && selector != nil {
        d.errors.append(
          .forbidden("spec.paramRef.name", "name and selector are mutually exclusive"))
      }
      if refName == nil && selector == nil {
        d.errors.append(
          .required("spec.paramRef", "one of name or selector must be specified"))
      }
      if ref["parameterNotFoundAction"] == nil {
        d.errors.append(.required("spec.paramRef.parameterNotFoundAction"))
      }
      paramRef = ParamRef(
        name: refName, namespace: d.string(ref["namespace"], "spec.paramRef.namespace"),
        selector: selector,
        parameterNotFoundAction: d.choice(
          ref["parameterNotFoundAction"], "spec.paramRef.parameterNotFoundAction", default: .deny))
    } else {
      paramRef = nil
    }
    matchResources = d.object(spec["matchResources"], "spec.matchResources").map {
      MatchResources(value: $0, path: "spec.matchResources", decoding: &d)
    }
    let actionsPath: ValuePath = "spec.validationActions"
    validationActions = d.strings(spec["validationActions"], actionsPath).enumerated().compactMap {
      i, text in
      guard let action = ValidationAction(rawValue: text) else {
        d.errors.append(
          .notSupported(actionsPath.appending(i), .string(text), ["Audit", "Deny", "Warn"]))
        return nil
      }
      return action
    }
    if validationActions.isEmpty {
      d.errors.append(.required(actionsPath, "at least one validation action is required"))
    }
    if Set(validationActions).count != validationActions.count {
      d.errors.append(
        .duplicate(actionsPath, .list(validationActions.map { .string($0.rawValue) })))
    }
    if validationActions.contains(.deny) && validationActions.contains(.warn) {
      d.errors.append(
        FieldError(
          .invalid, actionsPath, .list(validationActions.map { .string($0.rawValue) }),
          "must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)"
        ))
    }
    guard d.errors.isEmpty else {
      throw AdmissionConfigurationError(
        kind: "ValidatingAdmissionPolicyBinding", name: name, fieldErrors: d.errors)
    }
  }
}
