import CEL

/// The variables of one policy evaluation: fixed bindings (`object`, `request`, ...) and
/// `variables.<name>`, each computed the first time an expression reads it and then
/// reused by every other expression of the same evaluation (lazy, composable).
final class PolicyActivation: CELActivation {
  private let bindings: [String: CELValue]
  private let programs: [String: CELProgram]
  private var computed: [String: CELValue] = [:]

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
    let v = program.evaluate(self)
    computed[key] = v
    return v
  }
}
