import Objects
import Store
import Synchronization

/// What the previous plans of each Sync learned, so that planning a revision that differs
/// in one file redoes the work of that file only.
///
/// - Parsed files by path and blob id: an unchanged blob is not decoded again.
/// - Settled objects: those that were already as Git says (or were just written so) when
///   the store was at `revision`. Such an object is settled again, without reading the
///   live object or admitting it, when it comes from the same blob at the same position,
///   the admission context and the Sync's identity and generation are the same, and the
///   store's change log shows no write to its key after `revision`. Anything else is
///   planned in full.
///
/// The memory lives in the daemon's process only; a restart plans everything once.
final class SyncPlanMemory: Sendable {
  /// A file's decoded objects and problems.
  struct ParsedFile: Sendable {
    var blobID: String
    var objects: [DesiredObject]
    var issues: [SyncIssue]
    /// True when the file declares a CustomResourceDefinition.
    var declaresCRD = false
    /// Its objects typed for the Sync under the entry's `typing` (nil: not yet).
    var typed: TypedFile?
  }

  /// An object ready to plan: typed, its namespace defaulted, labeled as the Sync's. A
  /// class: plans pass 10,000 of them around, and copying the structs' many strings was
  /// a tenth of a plan.
  final class TypedObject: Sendable {
    let desired: DesiredObject
    let type: ResourceType
    /// The inventory id.
    let id: String
    let key: ObjectKey
    let origin: Origin
    /// `group/Kind`.
    let kindKey: String

    init(
      desired: DesiredObject, type: ResourceType, id: String, key: ObjectKey, origin: Origin,
      kindKey: String
    ) {
      self.desired = desired
      self.type = type
      self.id = id
      self.key = key
      self.origin = origin
      self.kindKey = kindKey
    }
  }

  /// A file's typed objects and the problems typing found.
  struct TypedFile: Sendable {
    var objects: [TypedObject]
    var issues: [SyncIssue]
  }

  /// What typing depends on besides the file: the Sync (its spec: target namespace,
  /// boundary), the store's kinds and the revision's CRD files.
  struct Typing: Equatable, Sendable {
    var sync: Identity
    var registry: TypeRegistry
    var revisionCRDs: [String]
  }

  /// Where a settled object came from.
  struct Origin: Hashable, Sendable {
    var file: String
    var blobID: String
    var index: Int
  }

  /// What must be equal for settled objects to stay settled.
  struct Context: Hashable, Sendable {
    var uid: String
    var generation: Int64
    var identity: String
    var admission: AdmissionContextCache.Key
  }

  /// The kinds whose writes can change a plan of an unchanged tree: what admission reads.
  static let markedResources =
    AdmissionContextCache.configurationResources + AdmissionContextCache.authorizationResources

  /// An object's identity and spec version.
  struct Identity: Hashable, Sendable {
    var uid: String
    var generation: Int64

    init(_ object: Object) {
      uid = object.uid ?? ""
      generation = object.generation ?? 0
    }
  }

  /// A plan that found no problem and left every desired object settled.
  struct Clean: Sendable {
    var treeID: String
    var sync: Identity
    var repository: Identity
    /// The change mark of `markedResources` when the plan started.
    var mark: ChangeMark
    var inventory: [Value]
    /// The keys of the settled objects.
    var keys: Set<ObjectKey>
    /// The kinds policies took parameters from, and their mark when read.
    var params: ParamMark?
  }

  /// The change mark of the store kinds that policies take parameters from.
  struct ParamMark: Sendable, Equatable {
    var kinds: [GroupResource]
    var mark: ChangeMark
  }

  /// One Sync's memory.
  struct Entry: Sendable {
    /// The last plan, when it was clean: a revision with the same tree needs no plan
    /// while nothing it depends on moves.
    var clean: Clean?
    /// The change mark of `markedResources` when the last full plan started.
    var planMark: ChangeMark?
    /// The parameter kinds' mark read by the last full plan.
    var paramMark: ParamMark?
    var files: [String: ParsedFile] = [:]
    /// What the files' `typed` objects were typed under.
    var typing: Typing?
    var context: Context?
    /// The store revision up to which `settled` is known to hold.
    var revision: Int64 = 0
    /// Settled objects by inventory id.
    var settled: [String: (origin: Origin, key: ObjectKey)] = [:]
    /// The objects the last plan writes, by inventory id, with what they were written as.
    var origins: [String: (origin: Origin, key: ObjectKey, desired: Object)] = [:]

    /// Remembers `plan` as clean when it was: every object it declares settled, no drift
    /// left in place. Called after the plan was applied (or found nothing to apply).
    mutating func markClean(
      _ plan: SyncPlan, treeID: String, sync: Object, repository: Object,
      drift: SyncSpec.DriftMode
    ) {
      guard let mark = planMark, settled.count == plan.inventory.count,
        plan.drift.isEmpty || drift == .correct
      else {
        clean = nil
        return
      }
      clean = Clean(
        treeID: treeID, sync: Identity(sync), repository: Identity(repository), mark: mark,
        inventory: plan.inventory, keys: Set(settled.values.map(\.key)), params: paramMark)
    }

    /// Records a committed plan: `written` (as the store returned them, creates then
    /// updates) are settled when the store held them as desired and no other writer
    /// committed between the plan's start and this commit (the first write's revision
    /// follows the plan's start revision); otherwise they are left to the next plan.
    mutating func settle(_ written: [Object], committed: Int64, plan: SyncPlan) {
      defer { origins = [:] }
      guard !written.isEmpty, plan.prunes.isEmpty,
        let first = written.first.flatMap({ Int64($0.resourceVersion ?? "") }),
        first == revision + 1
      else { return }
      for object in written {
        let id = inventoryID(object)
        guard let o = origins[id], ObjectComparison.differences(o.desired, object).isEmpty
        else { continue }
        settled[id] = (o.origin, o.key)
      }
      revision = committed
    }
  }

  private let entries = Mutex<[String: Entry]>([:])

  /// The memory of Sync `id` (`namespace/name`).
  func entry(_ id: String) -> Entry { entries.withLock { $0[id] ?? Entry() } }

  /// Replaces the memory of Sync `id`.
  func store(_ id: String, _ entry: Entry) { entries.withLock { $0[id] = entry } }

  /// Forgets the Syncs not in `ids` (deleted ones).
  func retain(_ ids: Set<String>) {
    entries.withLock { entries in
      for id in entries.keys where !ids.contains(id) { entries[id] = nil }
    }
  }
}
