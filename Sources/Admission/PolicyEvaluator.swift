import CEL
import Objects

/// Evaluates a compiled policy for one binding and one parameter object, as
/// kube-apiserver's validating policy `validator.Validate`: match conditions, then every
/// validation (with its message), then audit annotations, under one cost budget.
struct PolicyEvaluator {
  /// An audit annotation's outcome.
  struct AuditAnnotation {
    var key: String
    /// nil: excluded.
    var value: String?
    /// Non-nil: an error that, with failurePolicy Fail, denies.
    var error: String?
  }

  /// What `validate` found.
  struct Result {
    /// False when a match condition was false: the policy does not apply.
    var matched = true
    var decisions: [PolicyDecision] = []
    var auditAnnotations: [AuditAnnotation] = []
  }

  /// A value, or an error message; `outOfBudget` ends the evaluation (kube-apiserver
  /// then reports that error alone).
  enum Outcome {
    case value(CELValue)
    case failure(String)
    case outOfBudget
  }

  static let outOfBudgetMessage =
    "validation failed due to running out of cost budget, no further validation rules will be run"

  /// Kubernetes' limit on the length of a message from messageExpression.
  static let maxMessageBytes = 5 * 1024

  var program: PolicyProgram

  func validate(bindings: [String: CELValue]) -> Result {
    let failurePolicy = program.policy.failurePolicy
    let errorAction: PolicyDecision.Action = failurePolicy == .ignore ? .admit : .deny
    let activation = PolicyActivation(bindings: bindings, variables: program.variables)
    var budget = PolicyCompiler.runtimeCostBudget
    var result = Result()

    var conditionErrors: [String] = []
    for condition in program.matchConditions {
      switch run(condition.program, condition.text, activation, &budget) {
      case .value(.bool(false)):
        result.matched = false
        return result
      case .value(.bool(true)):
        continue
      case .value(let other):
        conditionErrors.append(
          "matchConditions '\(condition.name)' evaluated to \(other.type), not bool")
      case .failure(let message):
        conditionErrors.append(message)
      case .outOfBudget:
        conditionErrors.append(Self.outOfBudgetMessage)
      }
    }
    if !conditionErrors.isEmpty {
      let message =
        conditionErrors.count == 1
        ? conditionErrors[0] : "[" + conditionErrors.joined(separator: ", ") + "]"
      result.decisions = [PolicyDecision(action: errorAction, evaluation: .error, message: message)]
      return result
    }

    for (i, v) in program.validations.enumerated() {
      switch run(v.program, v.validation.expression, activation, &budget) {
      case .outOfBudget:
        return outOfBudget(errorAction)
      case .failure(let message):
        result.decisions.append(
          PolicyDecision(
            action: errorAction, evaluation: .error, message: message, validationIndex: i))
      case .value(.bool(true)):
        result.decisions.append(
          PolicyDecision(action: .admit, evaluation: .admit, validationIndex: i))
      case .value:
        var message = ""
        if let mp = v.messageProgram,
          case .value(.string(let text)) = run(
            mp, v.validation.messageExpression ?? "", activation, &budget)
        {
          message = text.trimmingWhitespace
          if message.utf8.count > Self.maxMessageBytes || message.contains("\n") { message = "" }
        }
        if message.isEmpty, let m = v.validation.message { message = m.trimmingWhitespace }
        if message.isEmpty {
          message = "failed expression: " + v.validation.expression.trimmingWhitespace
        }
        result.decisions.append(
          PolicyDecision(
            action: .deny, evaluation: .deny, message: message,
            reason: v.validation.reason ?? "Invalid", validationIndex: i))
      }
    }

    for a in program.auditAnnotations {
      switch run(a.program, a.text, activation, &budget) {
      case .outOfBudget:
        return outOfBudget(errorAction)
      case .failure(let message):
        result.auditAnnotations.append(
          AuditAnnotation(key: a.name, value: nil, error: failurePolicy == .ignore ? nil : message))
      case .value(.string(let s)):
        let value = s.trimmingWhitespace
        result.auditAnnotations.append(
          AuditAnnotation(key: a.name, value: value.isEmpty ? nil : value, error: nil))
      case .value(.null):
        result.auditAnnotations.append(AuditAnnotation(key: a.name, value: nil, error: nil))
      case .value(let other):
        result.auditAnnotations.append(
          AuditAnnotation(
            key: a.name, value: nil,
            error: "valueExpression '\(a.text)' resulted in unsupported return type: "
              + "\(other.type). Return type must be either string or null."))
      }
    }
    return result
  }

  /// The result of a policy whose expressions (variables included) spent the budget:
  /// that error alone, as kube-apiserver reports it.
  private func outOfBudget(_ action: PolicyDecision.Action) -> Result {
    var result = Result()
    result.decisions = [
      PolicyDecision(action: action, evaluation: .error, message: Self.outOfBudgetMessage)
    ]
    return result
  }

  /// Evaluates one program under the remaining budget, charging it the program's cost and
  /// that of the variables it computed first; errors worded as Kubernetes'.
  private func run(
    _ program: CELProgram, _ text: String, _ activation: PolicyActivation, _ budget: inout UInt64
  ) -> Outcome {
    let limit = min(PolicyCompiler.perCallCostLimit, budget)
    let (value, ownCost) = program.evaluateWithCost(activation, costLimit: limit)
    let (cost, overflow) = ownCost.addingReportingOverflow(activation.takeVariableCost())
    guard !overflow, cost <= budget else {
      budget = 0
      return .outOfBudget
    }
    budget -= cost
    guard case .error(let e) = value else { return .value(value) }
    if e == .costLimitExceeded && limit < PolicyCompiler.perCallCostLimit { return .outOfBudget }
    return .failure("expression '\(text)' resulted in error: \(e.message)")
  }
}

extension String {
  /// The string without leading and trailing spaces, tabs and newlines (Go's TrimSpace).
  var trimmingWhitespace: String {
    let ws: Set<Character> = [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}"]
    var s = Substring(self)
    while let f = s.first, ws.contains(f) { s = s.dropFirst() }
    while let l = s.last, ws.contains(l) { s = s.dropLast() }
    return String(s)
  }
}
