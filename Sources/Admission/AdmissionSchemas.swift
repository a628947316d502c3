import Objects

/// The schema step of the chain: validation, pruning and defaulting of objects of
/// CRD-defined kinds against their structural schemas.
struct AdmissionSchemas: Sendable {
  init(customResourceDefinitions: [Value], errors: inout [AdmissionConfigurationError]) {}

  /// Validates and defaults `attributes.request.object` when a CRD defines its kind.
  func admit(
    _ attributes: inout AdmissionAttributes, strict: Bool, into response: inout AdmissionResponse
  ) {}
}
