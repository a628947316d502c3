import Foundation
import Objects

/// Builds `meta.k8s.io/v1` `Table`s, what kube-apiserver answers kubectl's
/// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` with.
///
/// Columns are kube's for custom resources: `Name` (format `name`), then the printer columns;
/// with none declared, `Age` from `.metadata.creationTimestamp` (kube-apiserver's
/// `serveDefaultColumnsIfEmpty`). A CRD that declares columns gets no implicit Age.
public struct TableConverter: Sendable {
  /// The `includeObject` table option: what each row's `object` carries.
  public enum IncludeObject: String, Sendable, Hashable, CaseIterable {
    /// No object (`"object": null`).
    case none = "None"
    /// A `PartialObjectMetadata` with the object's metadata (kube's default).
    case metadata = "Metadata"
    /// The whole object.
    case object = "Object"

    /// The option for the query parameter `value`; absent or empty means `.metadata`, and nil
    /// is an unknown value (kube answers 400 `unrecognized includeObject value: "<value>"`).
    public init?(queryValue value: String?) {
      guard let value, !value.isEmpty else {
        self = .metadata
        return
      }
      self.init(rawValue: value)
    }
  }

  /// The group version of `Table` and `PartialObjectMetadata`.
  public static let defaultGroupVersion = "meta.k8s.io/v1"

  /// kube's description of `metadata.name`, the Name column's.
  public static let nameDescription =
    "Name must be unique within a namespace. Is required when creating resources, although "
    + "some resources may allow a client to request the generation of an appropriate name "
    + "automatically. Name is primarily intended for creation idempotence and configuration "
    + "definition. Cannot be updated. More info: "
    + "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"

  /// The columns after `Name`: the given ones, or `Age` when none were given.
  public let columns: [PrinterColumn]

  /// A converter for a kind with printer `columns` (a CRD version's, or `builtinColumns`).
  public init(columns: [PrinterColumn]) {
    self.columns = columns.isEmpty ? [PrinterColumn.age] : columns
  }

  /// The `columnDefinitions`: `Name`, then `columns`.
  public var columnDefinitions: [Value] {
    let name: Value = [
      "name": "Name", "type": "string", "format": "name",
      "description": .string(Self.nameDescription), "priority": 0,
    ]
    return [name] + columns.map(\.definition)
  }

  /// The cells of `object`'s row: its name, then one per column.
  public func cells(for object: Value, now: Date) -> [Value] {
    let name = object["metadata"]?["name"]?.stringValue ?? ""
    return [.string(name)] + columns.map { $0.cell(for: object, now: now) }
  }

  /// `object`'s row: `{"cells": [...], "object": ...}`.
  public func row(
    for object: Value, now: Date, includeObject: IncludeObject = .metadata,
    groupVersion: String = TableConverter.defaultGroupVersion
  ) -> Value {
    let embedded: Value
    switch includeObject {
    case .none:
      embedded = .null
    case .metadata:
      embedded = [
        "kind": "PartialObjectMetadata", "apiVersion": .string(groupVersion),
        "metadata": object["metadata"] ?? .map(ValueMap()),
      ]
    case .object:
      embedded = object
    }
    return ["cells": .list(cells(for: object, now: now)), "object": embedded]
  }

  /// The Table of `objects` (a list's items in order, or the one object of a get).
  ///
  /// - Parameters:
  ///   - resourceVersion: the list's `metadata.resourceVersion` (a get's: the object's);
  ///     left out when empty, as kube's `omitempty` does.
  ///   - continueToken: `metadata.continue` for the next page, if any.
  ///   - remainingItemCount: `metadata.remainingItemCount`, if known.
  ///   - now: the time ages are computed at.
  ///   - includeColumnDefinitions: false for watch events after the first (kube's
  ///     `NoHeaders`), which then carry `"columnDefinitions": null`.
  ///   - groupVersion: `meta.k8s.io/v1` or the `meta.k8s.io/v1beta1` a client asked for.
  public func table(
    for objects: [Value], resourceVersion: String?, continueToken: String? = nil,
    remainingItemCount: Int64? = nil, now: Date, includeObject: IncludeObject = .metadata,
    includeColumnDefinitions: Bool = true, groupVersion: String = TableConverter.defaultGroupVersion
  ) -> Value {
    let rows = objects.map {
      row(for: $0, now: now, includeObject: includeObject, groupVersion: groupVersion)
    }
    return table(
      rows: rows, resourceVersion: resourceVersion, continueToken: continueToken,
      remainingItemCount: remainingItemCount, includeColumnDefinitions: includeColumnDefinitions,
      groupVersion: groupVersion)
  }

  /// The Table around rows already made with `row(for:)` (so a caller can decode and
  /// drop objects one at a time).
  public func table(
    rows: [Value], resourceVersion: String?, continueToken: String? = nil,
    remainingItemCount: Int64? = nil, includeColumnDefinitions: Bool = true,
    groupVersion: String = TableConverter.defaultGroupVersion
  ) -> Value {
    var metadata = ValueMap()
    if let resourceVersion, !resourceVersion.isEmpty {
      metadata["resourceVersion"] = .string(resourceVersion)
    }
    if let continueToken, !continueToken.isEmpty { metadata["continue"] = .string(continueToken) }
    if let remainingItemCount { metadata["remainingItemCount"] = .int(remainingItemCount) }
    return [
      "kind": "Table", "apiVersion": .string(groupVersion), "metadata": .map(metadata),
      "columnDefinitions": includeColumnDefinitions ? .list(columnDefinitions) : .null,
      "rows": .list(rows),
    ]
  }
}

// MARK: - Built-in kinds

extension TableConverter {
  /// Printer columns for the kinds Mooring serves itself, in the spirit of kube's compiled
  /// printers but expressed as CRD columns (kube's `kind/name` or counted cells have no
  /// JSONPath form). Empty for kinds without any, which then show `Name` and `Age`.
  public static func builtinColumns(group: String, kind: String) -> [PrinterColumn] {
    switch (group, kind) {
    case ("", "Namespace"):
      return [
        column("Status", ".status.phase", description: "The status of the namespace"),
        .age,
      ]
    case ("", "Secret"):
      return [
        column(
          "Type", ".type", description: "Used to facilitate programmatic handling of secret data."),
        .age,
      ]
    case ("", "Event"):
      return [
        column(
          "Last Seen", ".lastTimestamp", type: .date,
          description: "The time at which the most recent occurrence of this event was recorded."),
        column("Type", ".type", description: "Type of this event (Normal, Warning)."),
        column(
          "Reason", ".reason",
          description: "A short, machine understandable string that gives the reason for the "
            + "transition into the object's current status."),
        column(
          "Object Kind", ".involvedObject.kind", priority: 1,
          description: "The kind of the object this event is about."),
        column(
          "Object", ".involvedObject.name", description: "The object this event is about."),
        column(
          "Message", ".message",
          description: "A human-readable description of the status of this operation."),
        column(
          "Count", ".count", type: .integer, priority: 1,
          description: "The number of times this event has occurred."),
        column(
          "First Seen", ".firstTimestamp", type: .date, priority: 1,
          description: "The time at which the event was first recorded."),
      ]
    case ("coordination.k8s.io", "Lease"):
      return [
        column(
          "Holder", ".spec.holderIdentity",
          description: "The identity of the holder of a current lease."),
        .age,
      ]
    case ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"):
      return [
        column(
          "Policy Name", ".spec.policyName",
          description: "The ValidatingAdmissionPolicy this binding binds to."),
        .age,
      ]
    case ("gitops.mooring.dev", "GitRepository"):
      return [
        column("URL", ".spec.url", description: "The repository URL."),
        column(
          "Revision", ".status.artifact.revision",
          description: "The revision of the last fetched artifact."),
        .age,
        column("Ready", ready(".status"), description: "The status of the Ready condition."),
        column(
          "Status", ready(".message"), description: "The message of the Ready condition."),
      ]
    case ("gitops.mooring.dev", "Sync"):
      return [
        column(
          "Source", ".spec.sourceRef.name", priority: 1,
          description: "The GitRepository the Sync applies."),
        column(
          "Path", ".spec.path", priority: 1,
          description: "The directory of the repository the Sync applies."),
        column(
          "Revision", ".status.lastAppliedRevision",
          description: "The last revision applied."),
        column(
          "Sync", ".status.sync",
          description: "Whether the live objects match the applied revision."),
        .age,
        column("Ready", ready(".status"), description: "The status of the Ready condition."),
        column(
          "Status", ready(".message"), description: "The message of the Ready condition."),
      ]
    case ("resourcemanager.mooring.dev", "Organization"):
      return [column("Display Name", ".spec.displayName"), column("Type", ".spec.type")]
    case ("resourcemanager.mooring.dev", "Project"):
      return [column("Display Name", ".spec.displayName")]
    default:
      return []
    }
  }

  /// `.status.conditions[?(@.type=="Ready")]` followed by `field`.
  private static func ready(_ field: String) -> String {
    ".status.conditions[?(@.type==\"Ready\")]" + field
  }

  private static func column(
    _ name: String, _ path: String, type: PrinterColumn.ColumnType = .string, priority: Int32 = 0,
    description: String = ""
  ) -> PrinterColumn {
    PrinterColumn(
      name: name, type: type, description: description, priority: priority,
      jsonPath: PrinterColumn.knownExpression(path))
  }
}
