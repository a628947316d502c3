/// Runs conformance cases through the real pipeline: parse, type-check (unless the
/// case disables it), plan and evaluate, in an environment with every library.
public struct CELConformanceEngine: Sendable {
  let base: CELEnvironment

  public init(environment: CELEnvironment = .all()) { base = environment }

  /// The outcome of one case.
  public func run(_ c: CELConformanceCase) -> CELConformanceOutcome {
    var env = base
    env.container = c.container
    for (name, type) in c.variables { env.declare(name, type) }
    for f in c.functions { env.add(f) }
    let parsed: ParsedExpr
    do {
      parsed = try CELParser.parse(c.expr)
    } catch {
      return .error(error.description)
    }
    var program = parsed
    var type: CELType?
    var hints: [Int64: String] = [:]
    if !c.disableCheck {
      switch CELChecker.check(parsed, environment: env) {
      case .failure(let e):
        return .error(e.description)
      case .success(let checked):
        if c.checkOnly { return .checked(checked.resultType) }
        program = checked.parsed
        type = checked.resultType
        for (id, ref) in checked.references where ref.overloadIDs.count == 1 {
          hints[id] = ref.overloadIDs[0]
        }
      }
    }
    do {
      let p = try CELProgram(program, environment: env, overloadHints: hints)
      return .value(p.evaluate(c.bindings), type: type)
    } catch {
      return .error(error.description)
    }
  }
}
