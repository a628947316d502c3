import CEL
import Objects

/// Compiles a policy's CEL once, when it is loaded, in the environment kube-apiserver gives
/// admission policies: `object`, `oldObject`, `request`, `params`, `namespaceObject`,
/// `authorizer`, `authorizer.requestResource` and `variables.<name>` (each variable typed by
/// its own expression, visible to the variables after it and to every other expression),
/// with Kubernetes' libraries and homogeneous aggregate literals.
public enum PolicyCompiler {
  /// Kubernetes' per-expression runtime cost limit (`PerCallLimit`).
  public static let perCallCostLimit: UInt64 = 1_000_000
  /// Kubernetes' cost budget for one policy evaluation (`RuntimeCELCostBudget`).
  public static let runtimeCostBudget: UInt64 = 10_000_000

  /// The environment every policy expression is checked in, before its variables.
  public static let environment: CELEnvironment = {
    var env = CELEnvironment.kubernetes()
    env.add(PolicyAuthorizerLibrary.library)
    for name in ["object", "oldObject", "params"] {
      env.declare(name, .dyn)
    }
    // As kube-apiserver types them, so that a misspelt field is an error when the policy
    // is loaded, not when a request arrives.
    for (name, fields) in PolicyObjectTypes.all { env.objectTypes[name] = fields }
    env.declare("request", PolicyObjectTypes.request)
    env.declare("namespaceObject", PolicyObjectTypes.namespace)
    env.declare("authorizer", PolicyAuthorizerLibrary.authorizerType)
    env.declare("authorizer.requestResource", PolicyAuthorizerLibrary.resourceCheckType)
    env.costLimit = perCallCostLimit
    return env
  }()

  /// Compiles every expression of `policy`, collecting every error.
  public static func compile(_ policy: AdmissionPolicy) -> PolicyProgram {
    var errors: [PolicyCompileError] = []
    var env = environment
    var variables: [PolicyProgram.Expression] = []
    for (i, v) in policy.variables.enumerated() {
      let field: ValuePath = ValuePath(keys: "spec", "variables").appending(i).appending(
        "expression")
      switch compile(v.expression, policy: policy.name, field: field, env: env, expect: nil) {
      case .success(let (program, type)):
        variables.append(.init(name: v.name, text: v.expression, program: program))
        env.declare("variables." + v.name, type)
      case .failure(let e):
        errors.append(e)
        env.declare("variables." + v.name, .dyn)
      }
    }
    var conditions: [PolicyProgram.Expression] = []
    for (i, c) in policy.matchConditions.enumerated() {
      let field = ValuePath(keys: "spec", "matchConditions").appending(i).appending("expression")
      switch compile(c.expression, policy: policy.name, field: field, env: env, expect: [.bool]) {
      case .success(let (program, _)):
        conditions.append(.init(name: c.name, text: c.expression, program: program))
      case .failure(let e): errors.append(e)
      }
    }
    var validations: [PolicyProgram.Validation] = []
    for (i, v) in policy.validations.enumerated() {
      let base = ValuePath(keys: "spec", "validations").appending(i)
      var messageProgram: CELProgram?
      if let text = v.messageExpression {
        switch compile(
          text, policy: policy.name, field: base.appending("messageExpression"), env: env,
          expect: [.string])
        {
        case .success(let (program, _)): messageProgram = program
        case .failure(let e): errors.append(e)
        }
      }
      switch compile(
        v.expression, policy: policy.name, field: base.appending("expression"), env: env,
        expect: [.bool])
      {
      case .success(let (program, _)):
        validations.append(.init(validation: v, program: program, messageProgram: messageProgram))
      case .failure(let e): errors.append(e)
      }
    }
    var annotations: [PolicyProgram.Expression] = []
    for (i, a) in policy.auditAnnotations.enumerated() {
      let field = ValuePath(keys: "spec", "auditAnnotations").appending(i).appending(
        "valueExpression")
      switch compile(
        a.valueExpression, policy: policy.name, field: field, env: env, expect: [.string, .null])
      {
      case .success(let (program, _)):
        annotations.append(.init(name: a.key, text: a.valueExpression, program: program))
      case .failure(let e): errors.append(e)
      }
    }
    errors.sort { $0.field.description < $1.field.description }
    return PolicyProgram(
      policy: policy, errors: errors, matchConditions: conditions, variables: variables,
      validations: validations, auditAnnotations: annotations)
  }

  /// Parses, checks and plans one expression; `expect` lists the result types allowed
  /// (dyn always passes the check and is verified at evaluation).
  static func compile(
    _ text: String, policy: String, field: ValuePath, env: CELEnvironment, expect: [CELType]?
  ) -> Result<(CELProgram, CELType), PolicyCompileError> {
    let parsed: ParsedExpr
    do {
      parsed = try CELParser.parse(text)
    } catch {
      return .failure(
        PolicyCompileError(
          policy: policy, field: field,
          issues: error.issues.map { .init(message: $0.message, line: $0.line, column: $0.column) },
          detail: error.description))
    }
    let options = CELCheckerOptions(homogeneousAggregateLiterals: true)
    switch CELChecker.check(parsed, environment: env, options: options) {
    case .failure(let e):
      return .failure(
        PolicyCompileError(
          policy: policy, field: field,
          issues: e.issues.map { .init(message: $0.message, line: $0.line, column: $0.column) },
          detail: e.description))
    case .success(let checked):
      if let expect, checked.resultType != .dyn, !expect.contains(checked.resultType) {
        let want = expect.map(\.description).joined(separator: " or ")
        let message = "must evaluate to \(want), not \(checked.resultType)"
        return .failure(
          PolicyCompileError(
            policy: policy, field: field, issues: [.init(message: message, line: 1, column: 1)],
            detail: "ERROR: <input>:1:1: \(message)"))
      }
      var hints: [Int64: String] = [:]
      for (id, ref) in checked.references where ref.overloadIDs.count == 1 {
        hints[id] = ref.overloadIDs[0]
      }
      do {
        let program = try CELProgram(checked.parsed, environment: env, overloadHints: hints)
        return .success((program, checked.resultType))
      } catch {
        return .failure(
          PolicyCompileError(
            policy: policy, field: field, issues: [.init(message: error.message)],
            detail: "ERROR: <input>: \(error.message)"))
      }
    }
  }
}
