import Foundation
import Objects
import Testing

@testable import APIMachinery

private let now = Date(timeIntervalSince1970: 1_750_000_000)

private func organization(_ name: String, createdSecondsAgo age: Double) -> Value {
  let formatter = ISO8601DateFormatter()
  formatter.formatOptions = [.withInternetDateTime]
  return [
    "apiVersion": "resourcemanager.mooring.dev/v1alpha1", "kind": "Organization",
    "metadata": [
      "name": .string(name), "uid": .string("u-\(name)"), "resourceVersion": "114",
      "creationTimestamp": .string(formatter.string(from: now.addingTimeInterval(-age))),
      "labels": ["tier": "gold"],
    ],
    "spec": ["displayName": "ACME Corp", "type": "Standard"],
  ]
}

@Suite struct TableConverterTests {
  @Test func defaultColumnsAreNameAndAge() throws {
    let converter = TableConverter(columns: [])
    let table = converter.table(
      for: [
        organization("acme", createdSecondsAgo: 9), organization("globex", createdSecondsAgo: 303),
      ],
      resourceVersion: "114", now: now)
    let expected = try JSON.decode(
      """
      {"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"114"},
       "columnDefinitions":[
         {"name":"Name","type":"string","format":"name","description":"\(TableConverter.nameDescription)","priority":0},
         {"name":"Age","type":"date","format":"","description":"\(PrinterColumn.creationTimestampDescription.replacingOccurrences(of: "\n", with: "\\n"))","priority":0}],
       "rows":[
         {"cells":["acme","9s"],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1",
           "metadata":\(JSON.encode(organization("acme", createdSecondsAgo: 9)["metadata"]!))}},
         {"cells":["globex","5m3s"],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1",
           "metadata":\(JSON.encode(organization("globex", createdSecondsAgo: 303)["metadata"]!))}}]}
      """)
    #expect(table == expected)
    // Members come in metav1.Table's field order.
    #expect(
      table.mapValue?.keys == ["kind", "apiVersion", "metadata", "columnDefinitions", "rows"])
    #expect(table["rows"]?[0]?.mapValue?.keys == ["cells", "object"])
  }

  @Test func declaredColumnsReplaceAge() throws {
    let converter = TableConverter(columns: [
      try PrinterColumn(name: "Display Name", type: .string, jsonPath: ".spec.displayName"),
      try PrinterColumn(name: "Phase", type: .string, priority: 1, jsonPath: ".status.phase"),
    ])
    let table = converter.table(
      for: [organization("acme", createdSecondsAgo: 9)], resourceVersion: "114", now: now)
    #expect(
      table["columnDefinitions"]?.listValue?.compactMap { $0["name"]?.stringValue }
        == ["Name", "Display Name", "Phase"])
    #expect(table["columnDefinitions"]?[2]?["priority"] == 1)
    #expect(table["rows"]?[0]?["cells"] == ["acme", "ACME Corp", nil])
  }

  @Test func includeObjectOptions() throws {
    let converter = TableConverter(columns: [])
    let object = organization("acme", createdSecondsAgo: 9)
    #expect(converter.row(for: object, now: now, includeObject: .none)["object"] == .null)
    #expect(converter.row(for: object, now: now, includeObject: .object)["object"] == object)
    let partial = converter.row(for: object, now: now, groupVersion: "meta.k8s.io/v1beta1")
    #expect(
      partial["object"]
        == [
          "kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1beta1",
          "metadata": object["metadata"]!,
        ])
    #expect(TableConverter.IncludeObject(queryValue: nil) == .metadata)
    #expect(TableConverter.IncludeObject(queryValue: "") == .metadata)
    #expect(TableConverter.IncludeObject(queryValue: "None") == TableConverter.IncludeObject.none)
    #expect(TableConverter.IncludeObject(queryValue: "Object") == .object)
    #expect(TableConverter.IncludeObject(queryValue: "object") == nil)
  }

  @Test func listMetadataAndWatchEvents() {
    let converter = TableConverter(columns: [])
    let empty = converter.table(for: [], resourceVersion: "", now: now)
    #expect(empty["metadata"] == [:])
    #expect(empty["rows"] == [])
    let page = converter.table(
      for: [], resourceVersion: "7", continueToken: "abc", remainingItemCount: 3, now: now)
    #expect(
      page["metadata"] == ["resourceVersion": "7", "continue": "abc", "remainingItemCount": 3])
    let event = converter.table(
      for: [organization("acme", createdSecondsAgo: 11)], resourceVersion: "115", now: now,
      includeColumnDefinitions: false)
    #expect(event["columnDefinitions"] == .null)
    #expect(event["rows"]?[0]?["cells"] == ["acme", "11s"])
  }

  @Test func missingNameAndTimestamp() {
    let converter = TableConverter(columns: [])
    #expect(converter.cells(for: ["metadata": [:]], now: now) == ["", nil])
    #expect(converter.cells(for: [:], now: now) == ["", nil])
  }
}

@Suite struct BuiltinColumnsTests {
  func cells(_ group: String, _ kind: String, _ object: Value) -> [Value] {
    TableConverter(columns: TableConverter.builtinColumns(group: group, kind: kind))
      .cells(for: object, now: now)
  }

  func names(_ group: String, _ kind: String) -> [String] {
    TableConverter(columns: TableConverter.builtinColumns(group: group, kind: kind))
      .columnDefinitions.compactMap { $0["name"]?.stringValue }
  }

  @Test func namespace() {
    #expect(names("", "Namespace") == ["Name", "Status", "Age"])
    let namespace: Value = [
      "metadata": ["name": "org-acme", "creationTimestamp": "2025-06-15T15:03:40Z"],
      "status": ["phase": "Active"],
    ]
    #expect(cells("", "Namespace", namespace) == ["org-acme", "Active", "3m"])
  }

  @Test func gitRepository() {
    #expect(
      names("gitops.mooring.dev", "GitRepository")
        == ["Name", "URL", "Revision", "Age", "Ready", "Status"])
    let repository: Value = [
      "metadata": ["name": "platform", "creationTimestamp": "2025-06-15T12:06:40Z"],
      "spec": ["url": "https://example.com/platform.git"],
      "status": [
        "artifact": ["revision": "main@sha1:0123abc", "commit": ["sha": "0123abc"]],
        "conditions": [
          [
            "type": "Ready", "status": "True", "reason": "Succeeded",
            "message": "stored artifact for revision 'main@sha1:0123abc'",
          ]
        ],
      ],
    ]
    #expect(
      cells("gitops.mooring.dev", "GitRepository", repository) == [
        "platform", "https://example.com/platform.git", "main@sha1:0123abc", "3h", "True",
        "stored artifact for revision 'main@sha1:0123abc'",
      ])
  }

  @Test func sync() {
    #expect(
      names("gitops.mooring.dev", "Sync")
        == ["Name", "Source", "Path", "Revision", "Sync", "Age", "Ready", "Status"])
    let sync: Value = [
      "metadata": ["name": "platform"],
      "spec": ["sourceRef": ["kind": "GitRepository", "name": "platform"], "path": "./deploy"],
      "status": [
        "lastAppliedRevision": "main@sha1:0123abc", "sync": "Synced",
        "conditions": [
          [
            "type": "Ready", "status": "False", "reason": "ValidationFailed",
            "message": "1 error in revision main@sha1:0123abc, nothing applied: x",
          ],
          ["type": "Stalled", "status": "True", "reason": "ValidationFailed", "message": "x"],
        ],
      ],
    ]
    #expect(
      cells("gitops.mooring.dev", "Sync", sync) == [
        "platform", "platform", "./deploy", "main@sha1:0123abc", "Synced", nil, "False",
        "1 error in revision main@sha1:0123abc, nothing applied: x",
      ])
  }

  @Test func event() {
    let event: Value = [
      "metadata": ["name": "platform.17c8"],
      "type": "Warning", "reason": "ValidationFailed", "message": "bad manifest",
      "involvedObject": ["kind": "Sync", "name": "platform"], "count": 2,
      "firstTimestamp": "2025-06-15T15:03:00Z", "lastTimestamp": "2025-06-15T15:03:30Z",
    ]
    #expect(
      names("", "Event")
        == [
          "Name", "Last Seen", "Type", "Reason", "Object Kind", "Object", "Message", "Count",
          "First Seen",
        ])
    #expect(
      cells("", "Event", event) == [
        "platform.17c8", "3m10s", "Warning", "ValidationFailed", "Sync", "platform",
        "bad manifest", 2, "3m40s",
      ])
  }

  @Test func kindsWithoutColumnsShowNameAndAge() {
    #expect(TableConverter.builtinColumns(group: "", kind: "ConfigMap") == [])
    #expect(names("", "ConfigMap") == ["Name", "Age"])
    #expect(
      names("admissionregistration.k8s.io", "ValidatingAdmissionPolicy") == ["Name", "Age"])
    #expect(
      names("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding")
        == ["Name", "Policy Name", "Age"])
    #expect(
      names("resourcemanager.mooring.dev", "Organization") == ["Name", "Display Name", "Type"])
  }
}
