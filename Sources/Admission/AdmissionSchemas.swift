import Objects

/// The schema step of the chain: pruning, defaulting and validation of objects of
/// CRD-defined kinds against their structural schemas (`CRDValidator`).
struct AdmissionSchemas: Sendable {
  private var validators: [String: CRDValidator] = [:]

  /// Validators of these CRDs, from `cache`; CRDs that cannot be used are reported in
  /// `errors` and left out.
  init(
    customResourceDefinitions: [Value], cache: PolicyCache,
    errors: inout [AdmissionConfigurationError]
  ) {
    for crd in customResourceDefinitions {
      switch cache.validator(for: crd) {
      case .success(let v): validators[v.group + "/" + v.kind] = v
      case .failure(let e):
        errors.append(
          AdmissionConfigurationError(
            kind: "CustomResourceDefinition", name: e.name, fieldErrors: e.errors))
      }
    }
  }

  /// Validates and defaults `attributes.request.object` when a CRD defines its kind, adding
  /// every error as a denial worded as kube-apiserver's
  /// (`Project.resourcemanager.mooring.dev "web" is invalid: spec.x: ...`).
  func admit(
    _ attributes: inout AdmissionAttributes, strict: Bool, into response: inout AdmissionResponse
  ) {
    guard attributes.request.operation != .delete, attributes.request.subresource.isEmpty,
      var object = attributes.request.object,
      let validator = validators[attributes.kind.group + "/" + attributes.kind.kind]
    else { return }
    let result = validator.admit(
      &object, oldObject: attributes.request.oldObject, version: attributes.kind.version,
      strict: strict)
    attributes.request.object = object
    response.object = object
    response.schemaErrors += result.errors
    response.warnings += result.warnings
    let qualified =
      attributes.kind.group.isEmpty
      ? attributes.kind.kind : attributes.kind.kind + "." + attributes.kind.group
    for e in result.errors {
      response.denials.append(
        AdmissionDenial(
          policy: nil, binding: nil,
          message: "\(qualified) \"\(attributes.name)\" is invalid: \(e)"))
    }
  }
}
