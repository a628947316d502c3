import APIMachinery
import Foundation
import Objects
import Store

extension APIHandler {
  /// The objects as a `meta.k8s.io/v1` Table (kubectl's human output): Name, then the
  /// CRD's `additionalPrinterColumns` for this version (or Mooring's columns for its
  /// compiled-in kinds), Age when none are declared.
  func table(
    for objects: [Object], type: ResourceType, version: String, resourceVersion: String,
    continueToken: String?, columns: Bool = true, includeObject: String? = nil
  ) async throws -> Value {
    let converter = TableConverter(columns: try await printerColumns(type, version: version))
    return converter.table(
      for: objects.map(\.value), resourceVersion: resourceVersion, continueToken: continueToken,
      now: Date(),
      includeObject: TableConverter.IncludeObject(queryValue: includeObject) ?? .metadata,
      includeColumnDefinitions: columns)
  }

  /// The Table of stored objects, encoded chunk by chunk as it is sent: each object is
  /// decoded only for its row, and no more than a chunk's rows exist at a time.
  func table(
    forStored items: [Data], type: ResourceType, version: String, resourceVersion: String,
    continueToken: String?, includeObject: String? = nil
  ) async throws -> ChunkedBody {
    let converter = TableConverter(columns: try await printerColumns(type, version: version))
    let include = TableConverter.IncludeObject(queryValue: includeObject) ?? .metadata
    let now = Date()
    var head = converter.table(
      rows: [], resourceVersion: resourceVersion, continueToken: continueToken)
    if case .map(var members) = head {
      members.removeValue(forKey: "rows")
      head = .map(members)
    }
    return ChunkedBody.jsonObject(head: head, member: "rows", count: items.count) { i, out in
      let row = converter.row(
        for: try JSON.decode(Array(items[i])), now: now, includeObject: include)
      JSON.encode(row, appendingTo: &out)
    }
  }

  /// The printer columns of `type` at `version`.
  func printerColumns(_ type: ResourceType, version: String) async throws -> [PrinterColumn] {
    let crds = try await admission.snapshot().customResourceDefinitions
    guard
      let crd = crds.first(where: {
        $0.spec?["group"]?.stringValue == type.group
          && $0.spec?[path: "names.kind"]?.stringValue == type.kind
      })
    else { return TableConverter.builtinColumns(group: type.group, kind: type.kind) }
    let versions = crd.spec?["versions"]?.listValue ?? []
    guard let index = versions.firstIndex(where: { $0["name"]?.stringValue == version }) else {
      return []
    }
    return
      (try? PrinterColumn.columns(
        ofVersion: versions[index], at: ValuePath(keys: "spec", "versions"))) ?? []
  }
}
