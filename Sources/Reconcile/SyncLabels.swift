/// The labels and annotations by which a Sync marks what it owns, and the knobs users set.
public enum SyncLabels {
  /// Label: the name of the owning Sync.
  public static let syncName = "gitops.mooring.dev/sync-name"
  /// Label: the namespace of the owning Sync.
  public static let syncNamespace = "gitops.mooring.dev/sync-namespace"
  /// Annotation: `namespace/name` of the owning Sync (the authoritative owner).
  public static let owner = "gitops.mooring.dev/owner"
  /// Annotation on an object: `disabled` keeps it when it leaves Git.
  public static let prune = "gitops.mooring.dev/prune"
  /// Annotation on a Sync or GitRepository: changing its value asks for a reconcile now.
  public static let requestedAt = "gitops.mooring.dev/reconcile-requested-at"
}
