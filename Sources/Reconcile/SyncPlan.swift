import Objects
import Store

/// What applying one revision of a Sync does to the store.
public struct SyncPlan: Sendable {
  /// Objects to create, in apply order (CRDs, then Namespaces, then the rest).
  public var creates: [Object] = []
  /// Objects to update (the desired content carrying the live resourceVersion).
  public var updates: [Object] = []
  /// Inventory objects that left Git, in delete order (the reverse of apply order).
  public var prunes: [ObjectKey] = []
  /// Objects already as Git says.
  public var unchanged = 0
  /// Objects whose live content differs while their Git content did not change, with the
  /// differing paths and who last wrote them: corrected (`drift: correct`, then also in
  /// `updates`) or only reported.
  public var drift: [DriftEntry] = []
  /// The inventory after applying: `{id, v}` entries, sorted.
  public var inventory: [Value] = []
  /// True when the revision's tree and everything the plan depends on were as the last
  /// clean plan left them, so nothing was read from Git, the store or admission.
  public var reused = false
  /// Files decoded for this plan (the others were unchanged since an earlier plan).
  public var parsedFiles = 0
  /// Objects read from the store and admitted for this plan (the others were settled: as
  /// Git says, and unwritten since an earlier plan saw them so).
  public var admitted = 0

  /// True when applying it writes nothing.
  public var isEmpty: Bool { creates.isEmpty && updates.isEmpty && prunes.isEmpty }
}

/// One drifted object.
public struct DriftEntry: Sendable, Hashable {
  public var id: String
  public var fields: [String]
  public var changedBy: String?

  public var value: Value {
    var m: ValueMap = ["id": .string(id), "fields": .list(fields.map(Value.string))]
    if let changedBy { m["changedBy"] = .string(changedBy) }
    return .map(m)
  }
}

/// Apply order of a kind: CRDs first, Namespaces next, everything else after.
func applyRank(_ object: Object) -> Int {
  switch (object.gvk.group, object.kind ?? "") {
  case ("apiextensions.k8s.io", "CustomResourceDefinition"): return 0
  case ("", "Namespace"): return 1
  default: return 2
  }
}

/// The inventory id of an object, in Flux's format `namespace_name_group_Kind`.
public func inventoryID(_ object: Object) -> String {
  "\(object.namespace ?? "")_\(object.name ?? "")_\(object.gvk.group)_\(object.kind ?? "")"
}
