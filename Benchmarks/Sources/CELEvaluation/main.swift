import CEL
import Foundation
import Objects

// Compile once, evaluate many: reads the bench set (Benchmarks/peers/cel_bench.json),
// parses, type-checks and plans each expression once in Kubernetes' environment, then
// times `program.evaluate(bindings)` with the objects converted to CEL values beforehand
// (as the peers bind theirs once). Prints one JSON line per expression (the baseline
// `true` first): name, ns per evaluation, evaluations per round, and the result.

func now() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("CELEvaluation: \(message)\n".utf8))
  exit(1)
}

/// Counts results so the evaluations have an observable effect.
nonisolated(unsafe) var sink = 0

/// Seconds for `n` evaluations.
func run(_ program: CELProgram, _ bindings: [String: CELValue], _ n: Int) -> Double {
  var trues = 0
  let start = now()
  for _ in 0..<n {
    if case .bool(true) = program.evaluate(bindings) { trues &+= 1 }
  }
  let elapsed = now() - start
  sink &+= trues
  return elapsed
}

/// Calibrates the evaluations per round to about `target` seconds, then returns the best
/// of `rounds` rounds in ns per evaluation, and the evaluations per round.
func measure(
  _ program: CELProgram, _ bindings: [String: CELValue], target: Double, rounds: Int
) -> (ns: Double, n: Int) {
  var n = 1
  var t = run(program, bindings, n)
  while t < target / 10 {
    n *= t > 0 ? max(2, min(10, Int(target / 10 / t) + 1)) : 10
    t = run(program, bindings, n)
  }
  n = max(1, Int(Double(n) * target / t))
  var best = Double.infinity
  for _ in 0..<rounds { best = min(best, run(program, bindings, n)) }
  return (best / Double(n) * 1e9, n)
}

let args = CommandLine.arguments
guard args.count >= 2 else {
  fail("usage: CELEvaluation BENCH_JSON [SECONDS_PER_ROUND] [ROUNDS]")
}
guard let data = FileManager.default.contents(atPath: args[1]) else {
  fail("cannot read \(args[1])")
}
let target = args.count >= 3 ? Double(args[2]) ?? 0.2 : 0.2
let rounds = args.count >= 4 ? Int(args[3]) ?? 3 : 3
let set: Value
do {
  set = try JSON.decode([UInt8](data))
} catch {
  fail("\(args[1]): \(error)")
}
guard let objects = set["objects"]?.mapValue, let list = set["expressions"]?.listValue else {
  fail("\(args[1]): needs `objects` and `expressions`")
}
var celObjects: [String: CELValue] = [:]
for (name, object) in objects { celObjects[name] = CELValue(object) }

let env: CELEnvironment = {
  var env = CELEnvironment.kubernetes()
  env.declare("object", .dyn)
  env.declare("oldObject", .dyn)
  return env
}()

/// Parses, checks and plans `text` as Kubernetes does.
func compile(_ text: String, in env: CELEnvironment) throws -> CELProgram {
  let options = CELCheckerOptions(homogeneousAggregateLiterals: true)
  let parsed = try CELParser.parse(text)
  switch CELChecker.check(parsed, environment: env, options: options) {
  case .failure(let e):
    throw e
  case .success(let checked):
    var hints: [Int64: String] = [:]
    for (id, ref) in checked.references where ref.overloadIDs.count == 1 {
      hints[id] = ref.overloadIDs[0]
    }
    return try CELProgram(checked.parsed, environment: env, overloadHints: hints)
  }
}

let entries = (set["baseline"].map { [$0] } ?? []) + list
for entry in entries {
  guard let name = entry["name"]?.stringValue, let text = entry["expr"]?.stringValue,
    let objectName = entry["object"]?.stringValue, let object = celObjects[objectName]
  else {
    fail("bad entry \(entry)")
  }
  var bindings = ["object": object]
  if let old = entry["oldObject"]?.stringValue {
    guard let value = celObjects[old] else { fail("\(name): no object \(old)") }
    bindings["oldObject"] = value
  }
  var line = ValueMap()
  line["name"] = .string(name)
  do {
    let program = try compile(text, in: env)
    let result = program.evaluate(bindings)
    if case .error(let e) = result {
      line["error"] = .string("evaluation: \(e)")
    } else {
      let (ns, n) = measure(program, bindings, target: target, rounds: rounds)
      line["ns"] = .double((ns * 10).rounded() / 10)
      line["n"] = .int(Int64(n))
      line["result"] = result.jsonValue ?? .string("<no JSON form: \(result)>")
    }
  } catch {
    line["error"] = .string("compile: \(error)")
  }
  FileHandle.standardOutput.write(Data((JSON.encode(.map(line)) + "\n").utf8))
}
if sink == -1 { print("") }
