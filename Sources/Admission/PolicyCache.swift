import Objects
import Synchronization

/// Compiled policies and CRD validators, reused across configurations while the object
/// they came from is unchanged: keyed by name, checked by uid and resourceVersion when
/// the object has both (objects from the store), else by the whole object (files).
final class PolicyCache: Sendable {
  /// What identifies one version of an object.
  enum Version: Hashable {
    case stored(uid: String, resourceVersion: String)
    case content(Value)

    init(_ object: Value) {
      if let uid = object["metadata"]?["uid"]?.stringValue,
        let rv = object["metadata"]?["resourceVersion"]?.stringValue
      {
        self = .stored(uid: uid, resourceVersion: rv)
      } else {
        self = .content(object)
      }
    }
  }

  private struct Entry<T: Sendable>: Sendable {
    var version: Version
    var value: T
  }

  private let policies = Mutex<[String: Entry<Result<PolicyProgram, AdmissionConfigurationError>>]>(
    [:])
  private let validators = Mutex<[String: Entry<Result<CRDValidator, CRDError>>]>([:])
  private let compilations = Atomic<Int>(0)

  /// How many policies have been compiled (cache misses), for tests.
  var compileCount: Int { compilations.load(ordering: .relaxed) }

  /// The compiled form of `object`, compiled now unless this version is cached.
  func program(for object: Value) -> Result<PolicyProgram, AdmissionConfigurationError> {
    let version = Version(object)
    let name = object["metadata"]?["name"]?.stringValue ?? ""
    if let hit = policies.withLock({ $0[name] }), hit.version == version { return hit.value }
    let value: Result<PolicyProgram, AdmissionConfigurationError>
    do {
      value = .success(PolicyCompiler.compile(try AdmissionPolicy(object)))
    } catch {
      value = .failure(error)
    }
    compilations.add(1, ordering: .relaxed)
    policies.withLock { $0[name] = Entry(version: version, value: value) }
    return value
  }

  /// The validator of a CRD object, built now unless this version is cached.
  func validator(for crd: Value) -> Result<CRDValidator, CRDError> {
    let version = Version(crd)
    let name = crd["metadata"]?["name"]?.stringValue ?? ""
    if let hit = validators.withLock({ $0[name] }), hit.version == version { return hit.value }
    let value: Result<CRDValidator, CRDError>
    do {
      value = .success(try CRDValidator(crd: crd))
    } catch {
      value = .failure(error)
    }
    validators.withLock { $0[name] = Entry(version: version, value: value) }
    return value
  }

  /// Forgets policies not in `names`.
  func retain(_ names: Set<String>) {
    policies.withLock { cache in
      for key in cache.keys where !names.contains(key) { cache[key] = nil }
    }
  }
}
