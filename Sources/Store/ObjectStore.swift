import Foundation
import Objects

/// Who writes and on whose behalf: recorded with every change in the audit trail.
public struct WriteContext: Sendable, Hashable {
  /// The user or sync identity, e.g. `admin`, `system:sync:org-acme/acme-config`.
  public var actor: String
  /// Where the change came from, e.g. `git:https://...@sha1:abc123`, `api`.
  public var source: String

  public init(actor: String, source: String = "api") {
    self.actor = actor
    self.source = source
  }
}

/// How a delete treats dependents (Kubernetes' `propagationPolicy`).
public enum PropagationPolicy: String, Sendable, Hashable {
  case background = "Background"
  case foreground = "Foreground"
  case orphan = "Orphan"
}

/// Options of a delete.
public struct DeleteOptions: Sendable, Hashable {
  public var propagation: PropagationPolicy
  /// Delete only if the object still has this resourceVersion (Conflict otherwise).
  public var preconditionResourceVersion: String?

  public init(
    propagation: PropagationPolicy = .background, preconditionResourceVersion: String? = nil
  ) {
    self.propagation = propagation
    self.preconditionResourceVersion = preconditionResourceVersion
  }
}

/// What to list or watch.
public struct ListOptions: Sendable {
  public var namespace: String?
  public var labelSelector: LabelSelector
  public var fieldSelector: FieldSelector
  /// At most this many items (0: no limit); the result then carries a continue token.
  public var limit: Int
  /// The token of a previous page.
  public var continueToken: String?

  public init(
    namespace: String? = nil, labelSelector: LabelSelector = .everything,
    fieldSelector: FieldSelector = .everything, limit: Int = 0, continueToken: String? = nil
  ) {
    self.namespace = namespace
    self.labelSelector = labelSelector
    self.fieldSelector = fieldSelector
    self.limit = limit
    self.continueToken = continueToken
  }
}

/// One page of a list.
public struct ObjectList: Sendable {
  public var items: [Object]
  /// The revision the list was read at (all pages of one listing share it).
  public var resourceVersion: Int64
  /// Present when more items remain.
  public var continueToken: String?
  /// Items after this page, when known.
  public var remainingItemCount: Int?

  public init(
    items: [Object], resourceVersion: Int64, continueToken: String? = nil,
    remainingItemCount: Int? = nil
  ) {
    self.items = items
    self.resourceVersion = resourceVersion
    self.continueToken = continueToken
    self.remainingItemCount = remainingItemCount
  }
}

/// A page of a list as stored: each item's compact JSON (see `SQLiteStore.listStoredJSON`).
public struct StoredObjectList: Sendable {
  public var items: [Data]
  /// The revision the list was read at (all pages of one listing share it).
  public var resourceVersion: Int64
  /// Present when more items remain.
  public var continueToken: String?
}

/// A change as watchers see it.
public struct WatchEvent: Sendable {
  public enum Kind: String, Sendable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
    case bookmark = "BOOKMARK"
  }

  public var kind: Kind
  /// The object after the change (for DELETED, its last state; for BOOKMARK, an object
  /// carrying only the revision).
  public var object: Object
  public var revision: Int64

  public init(kind: Kind, object: Object, revision: Int64) {
    self.kind = kind
    self.object = object
    self.revision = revision
  }
}

/// The store's errors, each mapping to a Kubernetes status reason and HTTP code.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
  case notFound(ObjectKey)
  case alreadyExists(ObjectKey)
  /// A stale resourceVersion, or a failed precondition.
  case conflict(ObjectKey, String)
  case invalid(ObjectKey?, [FieldError])
  /// A watch or list from a revision older than the compacted history.
  case expired(requested: Int64, oldest: Int64)
  /// The kind is not registered.
  case unknownResource(GroupResource)
  /// No registered kind has this apiVersion and kind.
  case noKind(GroupVersionKind)
  /// A malformed request, such as an unsupported field selector (HTTP 400).
  case badRequest(String)
  /// A namespaced object whose Namespace does not exist (or is terminating).
  case namespaceNotFound(String)
  case forbidden(String)
  /// A watcher fell too far behind and was closed; resume from `revision`.
  case tooSlow(revision: Int64)
  case storage(String)

  public var description: String {
    switch self {
    case .notFound(let k): return "\(k) not found"
    case .alreadyExists(let k): return "\(k) already exists"
    case .conflict(let k, let why):
      return "Operation cannot be fulfilled on \(k): \(why)"
    case .invalid(let k, let errors):
      let head = k.map { "\($0) is invalid: " } ?? "invalid: "
      return head + errors.map(\.description).joined(separator: ", ")
    case .expired(let r, let oldest):
      return "too old resource version: \(r) (\(oldest))"
    case .unknownResource(let r): return "the server doesn't have a resource type \"\(r)\""
    case .noKind(let gvk):
      return "no matches for kind \"\(gvk.kind)\" in version \"\(gvk.apiVersion)\""
    case .badRequest(let why): return why
    case .namespaceNotFound(let n): return "namespaces \"\(n)\" not found"
    case .forbidden(let why): return why
    case .tooSlow(let r): return "watch closed: the client fell behind; resume from \(r)"
    case .storage(let why): return "storage error: \(why)"
    }
  }
}

/// Writes inside one transaction: they commit together, each change with its own
/// revision in order, or not at all.
public protocol StoreTransaction {
  mutating func create(_ object: Object) throws(StoreError) -> Object
  /// Creates `objects` in order, as `create` on each would, and returns them as stored.
  /// An error stops the batch at the object that caused it: those before it stay
  /// created in the transaction, as with a loop of `create`.
  mutating func create(contentsOf objects: [Object]) throws(StoreError) -> [Object]
  mutating func update(_ object: Object) throws(StoreError) -> Object
  mutating func updateStatus(_ object: Object) throws(StoreError) -> Object
  mutating func delete(_ key: ObjectKey, options: DeleteOptions) throws(StoreError) -> Object?
  func get(_ key: ObjectKey) throws(StoreError) -> Object
}

extension StoreTransaction {
  /// One `create` after another.
  public mutating func create(contentsOf objects: [Object]) throws(StoreError) -> [Object] {
    var created: [Object] = []
    created.reserveCapacity(objects.count)
    for object in objects { created.append(try create(object)) }
    return created
  }
}

/// The control plane's object store, with kube-apiserver's semantics over etcd: one
/// global monotonic revision, optimistic concurrency, finalizers and garbage collection,
/// namespaces, list snapshots with pagination, watch from a revision.
///
/// `SQLiteStore` implements it on one SQLite file; the protocol leaves room for a
/// distributed engine later.
public protocol ObjectStore: Sendable {
  /// The kinds the store serves (built-ins and registered CRDs).
  var registry: TypeRegistry { get async }

  func get(_ key: ObjectKey) async throws(StoreError) -> Object
  func list(_ resource: GroupResource, _ options: ListOptions) async throws(StoreError)
    -> ObjectList
  func create(_ object: Object, context: WriteContext) async throws(StoreError) -> Object
  func update(_ object: Object, context: WriteContext) async throws(StoreError) -> Object
  func updateStatus(_ object: Object, context: WriteContext) async throws(StoreError) -> Object
  /// Deletes (or, with finalizers, marks for deletion) and returns the object's state
  /// after the call; nil when it is gone.
  func delete(_ key: ObjectKey, options: DeleteOptions, context: WriteContext)
    async throws(StoreError) -> Object?
  /// Runs `body` as one atomic transaction and returns the last revision it wrote.
  func transaction(
    context: WriteContext, _ body: (inout any StoreTransaction) throws(StoreError) -> Void
  ) async throws(StoreError) -> Int64
  /// Events after `revision` (0: from now) for `resource`, filtered by `options`.
  func watch(_ resource: GroupResource, from revision: Int64, _ options: ListOptions)
    async throws(StoreError) -> AsyncThrowingStream<WatchEvent, any Error>
  /// The latest committed revision.
  func currentRevision() async throws(StoreError) -> Int64
}

extension StoreError {
  /// Runs SQLite work: a `StoreError` passes through, any other error becomes `.storage`.
  static func mapping<T>(_ body: () throws -> T) throws(StoreError) -> T {
    do {
      return try body()
    } catch let e as StoreError {
      throw e
    } catch {
      throw .storage("\(error)")
    }
  }
}
