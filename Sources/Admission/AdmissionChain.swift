import Objects

/// The one entry point of admission, used by the sync engine, the API server and the CLI:
/// given a request and a configuration source, run schema validation and defaulting for
/// CRD kinds, then every matching ValidatingAdmissionPolicy, and answer allowed or denied
/// with every message, the warnings and the audit annotations.
///
/// Compiled policies are cached across calls and recompiled only when a policy object
/// changes (same uid and resourceVersion, or same content, is a hit).
///
/// ```swift
/// let chain = AdmissionChain()
/// let response = chain.admit(
///   AdmissionRequest(operation: .create, object: project), source: objects)
/// if !response.allowed { print(response.denials.map(\.message)) }
/// ```
public final class AdmissionChain: Sendable {
  /// Answers `authorizer` checks in policies.
  public let authorizer: any PolicyAuthorizer
  private let cache = PolicyCache()

  /// A chain whose policies' `authorizer` asks `authorizer` (by default: no rules, so
  /// every check is not allowed).
  public init(authorizer: any PolicyAuthorizer = PolicyRuleAuthorizer()) {
    self.authorizer = authorizer
  }

  /// How many times a policy has been compiled (each change of a policy compiles it once).
  public var compiledPolicyCount: Int { cache.compileCount }

  /// Compiles the configuration `source` holds now, reusing unchanged policies.
  public func configuration(from source: any AdmissionConfigurationSource) -> AdmissionConfiguration
  {
    var errors: [AdmissionConfigurationError] = []
    let crds = source.customResourceDefinitions()
    let mapper = AdmissionResourceMapper(customResourceDefinitions: crds)
    let schemas = AdmissionSchemas(
      customResourceDefinitions: crds, cache: cache, errors: &errors)
    var programs: [PolicyProgram] = []
    var names = Set<String>()
    for object in source.validatingAdmissionPolicies() {
      switch cache.program(for: object) {
      case .success(let p):
        guard names.insert(p.policy.name).inserted else { continue }
        programs.append(p)
        if !p.errors.isEmpty {
          errors.append(
            AdmissionConfigurationError(
              kind: "ValidatingAdmissionPolicy", name: p.policy.name, compileErrors: p.errors))
        }
      case .failure(let e): errors.append(e)
      }
    }
    cache.retain(names)
    programs.sort { $0.policy.name < $1.policy.name }
    var bindings: [String: [AdmissionPolicyBinding]] = [:]
    for object in source.validatingAdmissionPolicyBindings() {
      do {
        let b = try AdmissionPolicyBinding(object)
        bindings[b.policyName, default: []].append(b)
      } catch {
        errors.append(error)
      }
    }
    for key in bindings.keys { bindings[key]?.sort { $0.name < $1.name } }
    return AdmissionConfiguration(
      mapper: mapper, policies: programs, bindings: bindings, errors: errors, schemas: schemas,
      authorizer: authorizer)
  }

  /// Admits one request against the configuration `source` holds now. To admit many
  /// objects against one configuration, build it once with `configuration(from:)`.
  public func admit(
    _ request: AdmissionRequest, source: any AdmissionConfigurationSource, strict: Bool = false
  ) -> AdmissionResponse {
    configuration(from: source).admit(request, source: source, strict: strict)
  }
}
