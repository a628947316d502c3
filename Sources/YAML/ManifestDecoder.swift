import Objects

/// Turns a manifest file's bytes into the objects it declares, as kubectl reads them:
/// YAML streams (or a JSON document for `.json` files), empty documents skipped, every
/// document a mapping, and `kind: List` (or any `*List` kind with `items`) expanded into
/// its items.
public struct ManifestDecoder: Sendable {
  public var yaml: YAMLDecoder

  public init(yaml: YAMLDecoder = YAMLDecoder()) { self.yaml = yaml }

  /// The objects of one file and every error found in it, each with its position.
  public func decode(_ bytes: [UInt8], file: String?, json: Bool = false) -> (
    documents: [ParsedDocument], errors: [YAMLError]
  ) {
    var documents: [ParsedDocument]
    var errors: [YAMLError] = []
    if json {
      do {
        documents = [try JSON.decodeDocument(bytes)]
      } catch {
        return ([], [YAMLError(file: file, position: error.position, message: error.message)])
      }
    } else {
      let stream = yaml.decodeCollectingErrors(bytes, file: file)
      documents = stream.documents
      errors = stream.errors
    }
    var out: [ParsedDocument] = []
    for doc in documents {
      switch doc.value {
      case .null:
        continue  // an empty document
      case .map(let m):
        if let items = listItems(m) {
          for (i, item) in items.enumerated() {
            let path = ValuePath([.key("items"), .index(i)])
            guard case .map = item else {
              let pos = doc.position(of: path)
              errors.append(
                YAMLError(
                  file: file, position: pos,
                  message: "items[\(i)] of a \(m["kind"]?.stringValue ?? "List") is "
                    + "\(item.typeName), not an object"))
              continue
            }
            out.append(
              ParsedDocument(value: item, source: node(at: path, in: doc), index: doc.index))
          }
        } else {
          out.append(doc)
        }
      default:
        errors.append(
          YAMLError(
            file: file, position: doc.source.position,
            message: "document \(doc.index + 1) is \(article(doc.value)), not a mapping: "
              + "a manifest must be an object with apiVersion, kind and metadata"))
      }
    }
    errors.sort { $0.position < $1.position }
    return (out, errors)
  }

  func listItems(_ m: ValueMap) -> [Value]? {
    guard let kind = m["kind"]?.stringValue, kind == "List" || kind.hasSuffix("List"),
      case .list(let items)? = m["items"]
    else { return nil }
    return items
  }

  func node(at path: ValuePath, in doc: ParsedDocument) -> SourceNode {
    var node = doc.source
    var value = doc.value
    for c in path.components {
      switch c {
      case .key(let k):
        guard case .map(let m) = value, let i = m.index(forKey: k), i < node.children.count
        else { return node }
        value = m.element(at: i).value
        node = node.children[i]
      case .index(let i):
        guard case .list(let l) = value, i < l.count, i < node.children.count else { return node }
        value = l[i]
        node = node.children[i]
      }
    }
    return node
  }

  func article(_ v: Value) -> String {
    switch v {
    case .list: return "a sequence"
    case .string: return "a string"
    case .int, .double: return "a number"
    case .bool: return "a boolean"
    default: return "a scalar"
    }
  }
}
