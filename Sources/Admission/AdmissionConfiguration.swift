import CEL
import Objects

/// One consistent view of the admission configuration, compiled: the kind mapper, every
/// policy compiled, every binding decoded, and every problem found while loading. Build it
/// with `AdmissionChain.configuration(from:)` once per configuration change and admit any
/// number of requests through it.
public struct AdmissionConfiguration: Sendable {
  /// Kind → resource and scope.
  public let mapper: AdmissionResourceMapper
  /// Policies that decoded, compiled or not, in name order.
  public let policies: [PolicyProgram]
  /// Bindings that decoded, by policy name.
  public let bindings: [String: [AdmissionPolicyBinding]]
  /// Problems with policies and bindings: shape errors (those objects are left out) and
  /// compile errors (those policies deny what they match under failurePolicy Fail).
  public let errors: [AdmissionConfigurationError]
  let schemas: AdmissionSchemas
  let authorizer: any PolicyAuthorizer

  /// Admits one request: schema validation and defaulting for CRD kinds, then every
  /// matching policy. `source` answers namespaces and parameter objects.
  public func admit(
    _ request: AdmissionRequest, source: any AdmissionConfigurationSource, strict: Bool = false
  ) -> AdmissionResponse {
    var a = AdmissionAttributes(request, mapper: mapper)
    var response = AdmissionResponse(object: a.request.object)
    schemas.admit(&a, strict: strict, into: &response)
    let matcher = MatchEvaluator(mapper: mapper, source: source)
    var dispatch = PolicyDispatch(attributes: a, authorizer: authorizer)
    for program in policies {
      response.policies.append(
        dispatch.run(
          program, bindings: bindings[program.policy.name] ?? [], matcher: matcher,
          source: source, into: &response))
    }
    dispatch.publishValidationFailures(into: &response)
    return response
  }
}
