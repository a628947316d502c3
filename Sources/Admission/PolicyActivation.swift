import CEL

/// The variables of one policy evaluation: fixed bindings (`object`, `request`, ...) and
/// `variables.<name>`, each computed the first time an expression reads it and then
/// reused by every other expression of the same evaluation (lazy, composable).
///
/// As in kube-apiserver, a variable runs under its own per-call limit and its cost is
/// charged once, to the policy's budget, when it is first computed (`takeVariableCost`).
final class PolicyActivation: CELActivation {
  private let bindings: [String: CELValue]
  private let programs: [String: CELProgram]
  private var computed: [String: CELValue] = [:]
  private var variableCost: UInt64 = 0

  init(bindings: [String: CELValue], variables: [PolicyProgram.Expression]) {
    self.bindings = bindings
    var programs: [String: CELProgram] = [:]
    for v in variables { programs[v.name] = v.program }
    self.programs = programs
  }

  func value(of name: String) -> CELValue? {
    if let v = bindings[name] { return v }
    guard name.hasPrefix("variables.") else { return nil }
    let key = String(name.dropFirst("variables.".count))
    if let v = computed[key] { return v }
    guard let program = programs[key] else { return nil }
    var (v, cost) = program.evaluateWithCost(self, costLimit: PolicyCompiler.perCallCostLimit)
    let (sum, overflow) = variableCost.addingReportingOverflow(cost)
    variableCost = overflow ? .max : sum
    if case .error(let e) = v {
      v = .error(CELError("composited variable \"\(key)\" fails to evaluate: \(e.message)"))
    }
    computed[key] = v
    return v
  }

  /// The cost of the variables computed since the last call.
  func takeVariableCost() -> UInt64 {
    defer { variableCost = 0 }
    return variableCost
  }
}
