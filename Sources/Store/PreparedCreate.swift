import Foundation
import Objects

/// A create worked out without reading the store: its kind, the checks that need only the
/// object, the metadata the server sets, and its encoded row for the revision it will get.
/// Every create is prepared this way; `SQLiteTransaction.create(contentsOf:)` prepares a
/// batch on another core while the writer inserts the rows of the creates before
/// (`CreatePipeline`).
struct PreparedCreate: Sendable {
  /// Whether its kind is namespaced (its Namespace is checked against the file).
  let namespaced: Bool
  let key: ObjectKey
  /// As it will be stored: uid, creationTimestamp, generation and resourceVersion set.
  let object: Object
  /// The revision `object` carries.
  let revision: Int64
  /// `object` as its row holds it.
  let data: Data
  /// Its label rows (`SQLiteTransaction.labelRows`).
  let labels: [(String, String)]

  /// What preparing one create found.
  enum Outcome: Sendable {
    /// Ready to insert at `revision`; only the namespace and the name's uniqueness are
    /// left to check, against the file.
    case ready(PreparedCreate)
    /// Refused before anything is read.
    case failed(StoreError)
    /// It needs the file before its rows can be made: a name to generate, or a CRD (its
    /// kind is checked against the registry and changes it). The type and the object as
    /// defaulted and checked so far.
    case needsStore(ResourceType, Object)
  }

  /// Prepares `input` for `revision` with the kinds of `registry`; `now` is the
  /// transaction's time. Pure: it may run on any thread.
  static func prepare(
    _ input: Object, registry: TypeRegistry, revision: Int64, now: Double
  ) -> Outcome {
    let gvk = input.gvk
    guard let type = registry.type(for: gvk) else { return .failed(.noKind(gvk)) }
    var object = input
    if !type.namespaced { object.namespace = nil }
    BuiltinDefaults.apply(to: &object, type: type)
    var errors = object.validateBasics(validateName: type.nameValidator)
    if type.namespaced, (object.namespace ?? "").isEmpty {
      errors.append(.required("metadata.namespace"))
    }
    guard errors.isEmpty else { return .failed(.invalid(key(type, object), errors)) }
    if (object.name ?? "").isEmpty || type.groupResource == BuiltinTypes.customResourceDefinitions {
      return .needsStore(type, object)
    }
    stamp(&object, type, now: now)
    object.resourceVersion = String(revision)
    return .ready(
      PreparedCreate(
        namespaced: type.namespaced, key: key(type, object), object: object, revision: revision,
        data: StoredObject.encode(object), labels: SQLiteTransaction.labelRows(object)))
  }

  /// Sets what the server owns on a new object: uid, creationTimestamp, generation 1, no
  /// deletion, no status where status is a subresource (a Namespace starts Active).
  static func stamp(_ object: inout Object, _ type: ResourceType, now: Double) {
    object.uid = ObjectUIDs.next()
    object.creationTimestamp = StoredObject.timestamp(now)
    object.generation = 1
    object.deletionTimestamp = nil
    object.value[path: gracePeriodPath] = nil
    if type.hasStatusSubresource { object.status = nil }
    if type.groupResource == BuiltinTypes.namespaces {
      object.status = ["phase": "Active"]
    }
  }

  /// The storage key of `object` as a `type`.
  static func key(_ type: ResourceType, _ object: Object) -> ObjectKey {
    ObjectKey(
      type.groupResource, namespace: type.namespaced ? object.namespace : nil,
      name: object.name ?? "")
  }

  static let gracePeriodPath: ValuePath = "metadata.deletionGracePeriodSeconds"
}
