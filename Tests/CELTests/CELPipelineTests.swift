import Testing

@testable import CEL

/// The whole pipeline (parse, check, plan, evaluate) in the ready-made environments.
@Suite struct CELPipelineTests {
  func run(
    _ text: String, _ env: CELEnvironment, options: CELCheckerOptions = .init(),
    _ vars: [String: CELValue] = [:]
  ) throws -> CELValue {
    let parsed = try CELParser.parse(text)
    let checked = try CELChecker.check(parsed, environment: env, options: options).get()
    return try CELProgram(checked.parsed, environment: env).evaluate(vars)
  }

  @Test func sortByMacro() throws {
    let v = try run("[{'n': 'b', 'a': 2}, {'n': 'a', 'a': 1}].sortBy(e, e.a).map(e, e.n)", .all())
    #expect(CELConformance.same(v, .list([.string("a"), .string("b")])))
  }

  @Test func kubernetesEnvironmentLeavesOutMathAndEncoders() {
    #expect(throws: (any Error).self) { try run("math.greatest(1, 2)", .kubernetes()) }
    #expect(throws: (any Error).self) { try run("base64.encode(b'a')", .kubernetes()) }
    #expect(
      (try? run("math.greatest(1, 2)", .all())).map { CELConformance.same($0, .int(2)) } == true)
  }

  @Test func homogeneousAggregateLiteralsAsKubernetesRequires() {
    let options = CELCheckerOptions(homogeneousAggregateLiterals: true)
    #expect(throws: (any Error).self) {
      try run("[1, 'a'].size()", .kubernetes(), options: options)
    }
    #expect(
      (try? run("[1, 'a'].size()", .kubernetes())).map { CELConformance.same($0, .int(2)) } == true)
  }

  @Test func timeZonesByName() throws {
    let v = try run(
      "timestamp('2024-01-15T12:00:00Z').getHours('America/New_York')", .kubernetes())
    #expect(CELConformance.same(v, .int(7)))
  }
}
