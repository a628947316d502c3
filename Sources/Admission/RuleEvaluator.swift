import CEL
import Objects

/// Runs the compiled `x-kubernetes-validations` rules of a schema over a value (and its
/// old value on update), as kube-apiserver does: rules run on non-null values only,
/// transition rules only where an old value correlates (unless `optionalOldSelf`),
/// each evaluation within the per-call cost limit, all of them within the object's
/// cost budget. Errors are worded as Kubernetes words them. On update, rules that do not
/// read `oldSelf` are skipped where the value did not change (ratcheting, see
/// `SchemaRatchet`).
struct RuleEvaluator {
  var errors: [FieldError] = []
  /// What is left of the object's cost budget.
  var budget: UInt64 = ValidationRule.objectCostBudget
  /// Set when evaluation stopped (budget spent or a call over its limit).
  var stopped = false

  static let noSuchOverload = "no such overload"
  static let costLimit = "operation cancelled: actual cost limit exceeded"

  /// - Parameter unchanged: the value equals the old value it correlates to.
  mutating func validate(
    _ value: Value, old: Value?, schema s: StructuralSchema, at path: ValuePath,
    resourceRoot: Bool, unchanged: Bool = false
  ) {
    guard !stopped, !value.isNull else { return }
    if !s.validations.isEmpty {
      evaluateRules(
        value, old: old, schema: s, at: path, resourceRoot: resourceRoot, unchanged: unchanged)
      if stopped { return }
    }
    switch value {
    case .map(let map):
      let oldMap = old?.mapValue
      for (key, member) in map {
        guard let child = s.schema(forMember: key) else { continue }
        let oldMember = oldMap?[key]
        validate(
          member, old: oldMember, schema: child, at: path.appending(key),
          resourceRoot: child.embeddedResource,
          unchanged: unchanged || (oldMember.map { $0 == member } ?? false))
        if stopped { return }
      }
    case .list(let list):
      guard let items = s.items else { return }
      let oldItems = old?.listValue ?? []
      for (i, item) in list.enumerated() {
        var oldItem: Value?
        var itemUnchanged = unchanged
        switch s.listType {
        case "map":
          oldItem = oldItems.first { Self.sameKeys($0, item, s.listMapKeys) }
          itemUnchanged = itemUnchanged || oldItem == item
        case "set":
          // Correlated by value, for ratcheting only: `oldSelf` has no meaning here.
          itemUnchanged = itemUnchanged || oldItems.contains(item)
        default:
          break
        }
        validate(
          item, old: oldItem, schema: items, at: path.appending(i),
          resourceRoot: items.embeddedResource, unchanged: itemUnchanged)
        if stopped { return }
      }
    default:
      break
    }
  }

  /// True when two items of a map list have the same key values.
  static func sameKeys(_ a: Value, _ b: Value, _ keys: [String]) -> Bool {
    guard case .map(let x) = a, case .map(let y) = b else { return false }
    return keys.allSatisfy { x[$0] == y[$0] }
  }

  mutating func evaluateRules(
    _ value: Value, old: Value?, schema s: StructuralSchema, at path: ValuePath,
    resourceRoot: Bool, unchanged: Bool
  ) {
    let typeName = Value.string(s.type ?? "")
    if budget == 0 {
      stop(.invalid(path, typeName, Self.budgetMessage))
      return
    }
    let selfValue = s.celValue(value, resourceRoot: resourceRoot)
    let oldValue = old.map { s.celValue($0, resourceRoot: resourceRoot) }
    for rule in s.validations {
      if rule.usesOldSelf && oldValue == nil && !rule.optionalOldSelf { continue }
      if unchanged && !rule.usesOldSelf { continue }
      var bindings = ["self": selfValue]
      if rule.optionalOldSelf {
        bindings["oldSelf"] = .optional(oldValue)
      } else if let oldValue {
        bindings["oldSelf"] = oldValue
      }
      let limit = min(ValidationRule.perCallCostLimit, budget)
      let (result, cost) = rule.program.evaluateWithCost(bindings, costLimit: limit)
      if case .error(let e) = result, e.message.hasPrefix(Self.costLimit) {
        if limit < ValidationRule.perCallCostLimit {
          stop(.invalid(path, typeName, Self.budgetMessage))
        } else {
          stop(
            .invalid(
              path, typeName,
              "'\(e.message)': no further validation rules will be run due to call cost exceeds limit for rule: \(rule.ruleErrorString)"
            ))
        }
        return
      }
      budget -= min(cost, budget)
      switch result {
      case .bool(true):
        continue
      case .bool(false):
        break
      case .error(let e):
        if e.message.hasPrefix(Self.noSuchOverload) {
          errors.append(
            .invalid(
              path, typeName,
              "'\(e.message)': call arguments did not match a supported operator, function or macro signature for rule: \(rule.ruleErrorString)"
            ))
        } else {
          errors.append(
            .invalid(path, typeName, "\(e.message) evaluating rule: \(rule.ruleErrorString)"))
        }
        continue
      default:
        errors.append(
          .invalid(
            path, typeName,
            "rule did not evaluate to a bool evaluating rule: \(rule.ruleErrorString)"))
        continue
      }
      let at = rule.fieldPath.map { ValuePath(path.components + $0.components) } ?? path
      var detail = rule.defaultDetail
      if let program = rule.messageProgram {
        let (message, messageCost) = program.evaluateWithCost(
          bindings, costLimit: min(ValidationRule.perCallCostLimit, budget))
        if case .error(let e) = message, e.message.hasPrefix(Self.costLimit) {
          stop(
            .invalid(
              at, typeName,
              "no further validation rules will be run due to call cost exceeds limit for messageExpression: \(JSON.encode(.string(rule.messageExpression ?? "")))"
            ))
          return
        }
        budget -= min(messageCost, budget)
        if case .string(let text) = message {
          let trimmed = text.trimmingSpaces
          if !trimmed.isEmpty && !trimmed.contains("\n") && trimmed.utf8.count <= 5000 {
            detail = trimmed
          }
        }
      }
      errors.append(Self.error(for: rule.reason, at: at, typeName: typeName, detail: detail))
    }
  }

  static let budgetMessage =
    "validation failed due to running out of cost budget, no further validation rules will be run"

  mutating func stop(_ error: FieldError) {
    errors.append(error)
    stopped = true
  }

  /// The error a failed rule reports, by its `reason`.
  static func error(
    for reason: FieldError.Kind, at path: ValuePath, typeName: Value, detail: String
  ) -> FieldError {
    switch reason {
    case .forbidden: return .forbidden(path, detail)
    case .required: return .required(path, detail)
    case .duplicate: return .duplicate(path, typeName)
    default: return .invalid(path, typeName, detail)
    }
  }
}
