import CEL
import Objects

/// Runs every policy over one request, as kube-apiserver's validating policy dispatcher:
/// match the policy, then each of its bindings, collect parameters, evaluate, and turn
/// each failed validation into a denial, a warning or an audit annotation according to
/// the binding's validationActions. Configuration errors follow the failurePolicy.
struct PolicyDispatch {
  let attributes: AdmissionAttributes
  let authorizer: any PolicyAuthorizer
  private var objectValue: CELValue?
  private var oldObjectValue: CELValue?
  private var namespaceValue: CELValue?
  private var requestValues: [String: CELValue] = [:]
  private var validationFailures: [Value] = []

  init(attributes: AdmissionAttributes, authorizer: any PolicyAuthorizer) {
    self.attributes = attributes
    self.authorizer = authorizer
  }

  /// The key of the audit annotation listing validations failed under the Audit action.
  static let validationFailureKey = "validation.policy.admission.k8s.io/validation_failure"
  /// Kubernetes' limit on an audit annotation value.
  static let maxAuditAnnotationBytes = 10 * 1024

  mutating func run(
    _ program: PolicyProgram, bindings: [AdmissionPolicyBinding], matcher: MatchEvaluator,
    source: any AdmissionConfigurationSource, into response: inout AdmissionResponse
  ) -> PolicyOutcome {
    let policy = program.policy
    var outcome = PolicyOutcome(policy: policy.name)
    // A policy acts only through its bindings (kube dispatches policy-binding pairs): an
    // unbound policy, even a broken one, decides nothing.
    guard !bindings.isEmpty else { return outcome }
    func configError(_ message: String, binding: AdmissionPolicyBinding?) {
      outcome.applied = true
      guard policy.failurePolicy == .fail else { return }
      let text =
        binding == nil
        ? "failed to configure policy: \(message)" : "failed to configure binding: \(message)"
      let d = Self.denial(policy.name, binding?.name, text, "Invalid")
      outcome.denials.append(d)
      response.denials.append(d)
    }
    let matchResource: GroupVersionResource
    let matchKind: GroupVersionKind
    switch matcher.matches(policy.matchConstraints, attributes, emptyRulesMatch: false) {
    case .noMatch: return outcome
    case .error(let e):
      configError(e, binding: nil)
      return outcome
    case .match(let r, let k):
      (matchResource, matchKind) = (r, k)
    }
    if !program.errors.isEmpty {
      configError(program.errors.map(\.summary).joined(separator: "; "), binding: nil)
      return outcome
    }
    var annotations: [(key: String, values: [String])] = []
    for binding in bindings {
      if let narrowing = binding.matchResources {
        switch matcher.matches(narrowing, attributes, emptyRulesMatch: true) {
        case .noMatch: continue
        case .error(let e):
          configError(e, binding: binding)
          continue
        case .match: break
        }
      }
      let params: [Value?]
      switch collectParams(policy, binding, matcher) {
      case .failure(let message):
        configError(message, binding: binding)
        continue
      case .params(let p): params = p
      }
      let bindings = celBindings(
        matchResource: matchResource, matchKind: matchKind, source: source,
        customResource: matchKind.version != attributes.kind.version
          && matcher.mapper.mapping(group: matchKind.group, kind: matchKind.kind).customResource)
      let evaluator = PolicyEvaluator(program: program)
      for param in params {
        var vars = bindings
        vars["params"] = param.map { CELValue($0) } ?? .null
        let result = evaluator.validate(bindings: vars)
        guard result.matched else { continue }
        outcome.applied = true
        for decision in result.decisions where decision.action == .deny {
          for action in binding.validationActions {
            switch action {
            case .deny:
              let d = Self.denial(policy.name, binding.name, decision.message, decision.reason)
              outcome.denials.append(d)
              response.denials.append(d)
            case .warn:
              let w =
                "Validation failed for ValidatingAdmissionPolicy '\(policy.name)' with binding "
                + "'\(binding.name)': \(decision.message)"
              outcome.warnings.append(w)
              response.warnings.append(w)
            case .audit:
              outcome.audited.append(decision.message)
              validationFailures.append(
                .map([
                  "message": .string(decision.message), "policy": .string(policy.name),
                  "binding": .string(binding.name),
                  "expressionIndex": .int(Int64(decision.validationIndex ?? 0)),
                  "validationActions": .list(
                    binding.validationActions.map { .string($0.rawValue) }),
                ]))
            }
          }
        }
        for a in result.auditAnnotations {
          if let error = a.error {
            let d = Self.denial(policy.name, binding.name, error, "Invalid")
            outcome.denials.append(d)
            response.denials.append(d)
          } else if var value = a.value {
            if value.utf8.count > Self.maxAuditAnnotationBytes {
              value = String(
                decoding: value.utf8.prefix(Self.maxAuditAnnotationBytes), as: UTF8.self)
            }
            if let i = annotations.firstIndex(where: { $0.key == a.key }) {
              if !annotations[i].values.contains(value) { annotations[i].values.append(value) }
            } else {
              annotations.append((a.key, [value]))
            }
          }
        }
      }
    }
    for (key, values) in annotations {
      response.auditAnnotations[policy.name + "/" + key] = values.joined(separator: ", ")
    }
    return outcome
  }

  /// Adds the Audit action's failures as kube-apiserver's JSON list annotation.
  func publishValidationFailures(into response: inout AdmissionResponse) {
    guard !validationFailures.isEmpty else { return }
    response.auditAnnotations[Self.validationFailureKey] = JSON.encode(.list(validationFailures))
  }

  static func denial(_ policy: String, _ binding: String?, _ message: String, _ reason: String)
    -> AdmissionDenial
  {
    let text =
      binding.map {
        "ValidatingAdmissionPolicy '\(policy)' with binding '\($0)' denied request: \(message)"
      } ?? "ValidatingAdmissionPolicy '\(policy)' denied request: \(message)"
    return AdmissionDenial(policy: policy, binding: binding, message: text, reason: reason)
  }

  /// Parameter objects, or the reason the binding cannot be configured.
  enum Params {
    case params([Value?])
    case failure(String)
  }

  /// kube-apiserver's `CollectParams`: one nil parameter without paramKind or paramRef.
  private func collectParams(
    _ policy: AdmissionPolicy, _ binding: AdmissionPolicyBinding, _ matcher: MatchEvaluator
  ) -> Params {
    guard let kind = policy.paramKind, let ref = binding.paramRef else { return .params([nil]) }
    let gvk = GroupVersionKind(apiVersion: kind.apiVersion, kind: kind.kind)
    let mapping = matcher.mapper.mapping(group: gvk.group, kind: gvk.kind)
    var namespace: String?
    if mapping.namespaced {
      namespace = ref.namespace ?? (attributes.namespace.isEmpty ? nil : attributes.namespace)
      if namespace == nil {
        return .failure(
          "cannot use namespaced paramRef in policy binding that matches cluster-scoped resources")
      }
    } else if ref.namespace != nil {
      return .failure("paramRef.namespace must not be provided for a cluster-scoped `paramKind`")
    }
    let candidates = matcher.source.objects(
      apiVersion: kind.apiVersion, kind: kind.kind, namespace: namespace)
    let found: [Value]
    if let name = ref.name {
      found = candidates.filter { $0["metadata"]?["name"]?.stringValue == name }
    } else {
      let selector = ref.selector ?? .everything
      found = candidates.filter { selector.matches(labels: $0["metadata"]?["labels"]) }
    }
    if found.isEmpty && ref.parameterNotFoundAction == .deny {
      return .failure("no params found for policy binding with `Deny` parameterNotFoundAction")
    }
    return .params(found)
  }

  /// `value` (an object, or null) with its apiVersion replaced.
  static func withAPIVersion(_ value: CELValue, _ apiVersion: String) -> CELValue {
    guard case .map(var map) = value else { return value }
    map.set(.string("apiVersion"), .string(apiVersion))
    return .map(map)
  }

  /// The variables every expression sees, but `params`.
  private mutating func celBindings(
    matchResource: GroupVersionResource, matchKind: GroupVersionKind,
    source: any AdmissionConfigurationSource, customResource: Bool
  ) -> [String: CELValue] {
    if objectValue == nil { objectValue = attributes.request.object.map { CELValue($0) } ?? .null }
    if oldObjectValue == nil {
      oldObjectValue = attributes.request.oldObject.map { CELValue($0) } ?? .null
    }
    if namespaceValue == nil {
      var v = CELValue.null
      if !attributes.isNamespaceObject, !attributes.namespace.isEmpty,
        let ns = source.namespace(named: attributes.namespace)
      {
        v = PolicyObjectTypes.namespaceValue(ns)
      }
      namespaceValue = v
    }
    let namespaceObject = namespaceValue ?? .null
    let requestKey =
      "\(matchKind.group)/\(matchKind.version)/\(matchKind.kind)|\(matchResource.group)/\(matchResource.version)/\(matchResource.resource)"
    let requestValue: CELValue
    if let cached = requestValues[requestKey] {
      requestValue = cached
    } else {
      requestValue = CELValue(
        attributes.requestValue(matchKind: matchKind, matchResource: matchResource))
      requestValues[requestKey] = requestValue
    }
    let user = attributes.request.userInfo
    var requestResource = PolicyAuthorizerCheck(authorizer: authorizer, user: user)
    requestResource.typeName = PolicyAuthorizerLibrary.resourceCheckType.runtimeName
    requestResource.group = attributes.resource.group
    requestResource.resource = attributes.resource.resource
    requestResource.subresource = attributes.request.subresource
    requestResource.namespace = attributes.namespace
    requestResource.name = attributes.name
    var object = objectValue ?? .null
    var oldObject = oldObjectValue ?? .null
    // Matched at another version through `Equivalent`: kube-apiserver converts the object
    // to the version the rule names. A CRD kind's versions differ only in apiVersion here
    // (conversion None), so that is the conversion; built-in kinds are left as sent.
    if customResource, matchKind.version != attributes.kind.version {
      let apiVersion =
        matchKind.group.isEmpty ? matchKind.version : "\(matchKind.group)/\(matchKind.version)"
      object = Self.withAPIVersion(object, apiVersion)
      oldObject = Self.withAPIVersion(oldObject, apiVersion)
    }
    return [
      "object": object,
      "oldObject": oldObject,
      "request": requestValue,
      "namespaceObject": namespaceObject,
      "authorizer": .opaque(PolicyAuthorizerCheck(authorizer: authorizer, user: user)),
      "authorizer.requestResource": .opaque(requestResource),
    ]
  }
}
