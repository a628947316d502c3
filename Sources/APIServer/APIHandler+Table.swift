import Foundation
import Objects
import Store

extension APIHandler {
  /// The objects as a `meta.k8s.io/v1` Table (kubectl's human output).
  func table(
    for objects: [Object], type: ResourceType, version: String, resourceVersion: String,
    continueToken: String?, columns: Bool = true
  ) async throws -> Value {
    var metadata: ValueMap = ["resourceVersion": .string(resourceVersion)]
    if let continueToken { metadata["continue"] = .string(continueToken) }
    let rows: [Value] = objects.map { o in
      [
        "cells": [.string(o.name ?? ""), .string(o.creationTimestamp ?? "")],
        "object": [
          "kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
          "metadata": o.value["metadata"] ?? .map([:]),
        ],
      ]
    }
    return [
      "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": .map(metadata),
      "columnDefinitions": [
        ["name": "Name", "type": "string", "format": "name", "description": "", "priority": 0],
        ["name": "Age", "type": "date", "format": "", "description": "", "priority": 0],
      ],
      "rows": .list(rows),
    ]
  }
}
